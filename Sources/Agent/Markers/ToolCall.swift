import Foundation

/// A call the model wrote: which tool, and the text it gave it.
public struct ToolCall: Codable, Sendable, Equatable {
    /// The tool's name, e.g. "calc".
    public var tool: String
    /// What the model wrote for it, cleaned of what small models get wrong.
    public var input: String
    /// False when the model ended without the closing marker.
    public var closed: Bool

    /// A call to `tool` with `input`; `closed` is false when the model stopped before
    /// the closing marker.
    public init(tool: String, input: String, closed: Bool = true) {
        self.tool = tool
        self.input = input
        self.closed = closed
    }

    /// The content of an inline marker as the tool should get it: surrounding
    /// whitespace dropped and, for code, a Markdown fence around it removed.
    static func cleanInput(_ raw: String) -> String {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("```") {
            // ```python\n…\n``` (the closing fence may be missing).
            if let firstNewline = text.firstIndex(of: "\n") {
                text = String(text[text.index(after: firstNewline)...])
            } else {
                text = String(text.dropFirst(3))
            }
            if text.hasSuffix("```") { text = String(text.dropLast(3)) }
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return text
    }

    /// The call a Hermes block holds, its input chosen as `HermesToolCall.input`
    /// says; nil when the block holds no call.
    init?(hermes block: some StringProtocol) {
        guard let call = HermesToolCall(reading: block) else { return nil }
        self.init(tool: call.name, input: call.input)
    }
}
