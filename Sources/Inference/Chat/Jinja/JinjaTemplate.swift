import Foundation

/// A Jinja template parsed once and rendered many times, with the subset of Jinja
/// that chat templates use, printing byte for byte what Python's `jinja2` prints
/// in the environment transformers' `apply_chat_template` renders with
/// (`trim_blocks`, `lstrip_blocks`, loop controls, its own `tojson`).
public struct JinjaTemplate: Sendable {
    /// The template's text.
    public let source: String
    private let nodes: [JinjaNode]

    /// Parses `source`; throws `JinjaError` naming the line of a construct it cannot read.
    public init(_ source: String) throws {
        self.source = source
        var lexer = JinjaLexer(source)
        var parser = JinjaParser(try lexer.segments())
        nodes = try parser.parse()
    }

    /// The text the template prints for `variables`; `now` is the time `strftime_now` formats.
    public func render(_ variables: [String: JinjaValue], now: Date = Date()) throws -> String {
        try JinjaInterpreter(globals: JinjaGlobals.functions(now: now)).render(nodes, variables: variables)
    }
}
