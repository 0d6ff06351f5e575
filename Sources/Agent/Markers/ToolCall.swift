import Foundation

/// A call the model wrote: which tool, and the text it gave it.
public struct ToolCall: Codable, Sendable, Equatable {
    /// The tool's name, e.g. "calc".
    public var tool: String
    /// What the model wrote for it, cleaned of what small models get wrong.
    public var input: String
    /// False when the model ended without the closing marker.
    public var closed: Bool

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

    /// Reads a Hermes call, `{"name": …, "arguments": {…}}`. The input is the first
    /// string argument (tools take one text each); nil when the JSON does not parse.
    static func parseHermes(_ raw: String) -> ToolCall? {
        let text = cleanInput(raw)
        guard let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let name = object["name"] as? String
        else { return nil }
        var arguments = object["arguments"]
        if let encoded = arguments as? String,
           let decoded = try? JSONSerialization.jsonObject(with: Data(encoded.utf8)) {
            arguments = decoded
        }
        let input: String
        switch arguments {
        case let dictionary as [String: Any]:
            let preferred = ["input", "expression", "url", "code", "query"].compactMap { dictionary[$0] as? String }.first
            input = preferred ?? dictionary.values.compactMap { $0 as? String }.first ?? ""
        case let string as String:
            input = string
        default:
            input = ""
        }
        return ToolCall(tool: name, input: input)
    }
}
