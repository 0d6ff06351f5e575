import Foundation

/// An MCP server's command line as `--mcp "COMMAND ARGS"` gives it: split into
/// words as a POSIX shell would split it, with single quotes (literal), double
/// quotes (where `\` escapes `"`, `\`, `$` and a backquote) and backslash escapes
/// outside quotes. Nothing is expanded: no variables, globs or pipes.
public struct ServerCommandLine: Sendable, Equatable {
    /// The words: the program, then its arguments.
    public let words: [String]

    /// The program to run.
    public var program: String { words[0] }
    /// Its arguments.
    public var arguments: [String] { Array(words.dropFirst()) }

    /// The words of `line`; throws when it has none or a quote does not close.
    public init(_ line: String) throws(MCPClientError) {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var iterator = Array(line)[...]
        while let character = iterator.popFirst() {
            switch quote {
            case "'":
                if character == "'" { quote = nil } else { current.append(character) }
            case "\"":
                if character == "\"" {
                    quote = nil
                } else if character == "\\", let next = iterator.first, "\"\\$`".contains(next) {
                    current.append(next)
                    iterator = iterator.dropFirst()
                } else {
                    current.append(character)
                }
            default:
                if character.isWhitespace {
                    if inWord { words.append(current) }
                    current = ""
                    inWord = false
                } else if character == "'" || character == "\"" {
                    quote = character
                    inWord = true
                } else if character == "\\" {
                    guard let next = iterator.popFirst() else {
                        throw .invalidCommandLine(line, reason: "it ends with a lone backslash")
                    }
                    current.append(next)
                    inWord = true
                } else {
                    current.append(character)
                    inWord = true
                }
            }
        }
        if let quote { throw .invalidCommandLine(line, reason: "a \(quote == "'" ? "single" : "double") quote is not closed") }
        if inWord { words.append(current) }
        guard !words.isEmpty else { throw .invalidCommandLine(line, reason: "it is empty") }
        self.words = words
    }

    /// The program's path: itself when it names a path (has a "/"), else the first
    /// executable file of that name in `PATH`; nil when there is none.
    public func executable(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        let fileManager = FileManager.default
        if program.contains("/") {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: program, isDirectory: &isDirectory), !isDirectory.boolValue,
                fileManager.isExecutableFile(atPath: program)
            else { return nil }
            return program
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = String(directory) + "/" + program
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                fileManager.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        return nil
    }
}
