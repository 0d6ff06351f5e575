import Foundation
import OpenAIAPI

/// Reads a model's reply that may call functions: text, then `<tool_call>` blocks
/// of `{"name": …, "arguments": {…}}` (the last may be left unclosed). A block
/// whose JSON cannot be read, or that names a function the request did not offer,
/// is not a call; when no block is, the whole reply is text.
struct ToolCallReply: Equatable {
    /// The text before the first call (nil when there is none).
    var content: String?
    var calls: [ToolCallObject]

    init(_ reply: String, tools: [FunctionDefinition], makeID: () -> String = ToolCallReply.newID) {
        let names = Set(tools.map(\.name))
        var calls: [ToolCallObject] = []
        var rest = Substring(reply)
        var before: Substring?
        while let open = rest.range(of: ChatPrompt.callOpening) {
            if before == nil { before = rest[..<open.lowerBound] }
            let afterOpening = rest[open.upperBound...]
            let block: Substring
            if let close = afterOpening.range(of: ChatPrompt.callClosing) {
                block = afterOpening[..<close.lowerBound]
                rest = afterOpening[close.upperBound...]
            } else {
                block = afterOpening
                rest = ""
            }
            if let (name, arguments) = Self.parseCall(String(block)), names.contains(name) {
                calls.append(ToolCallObject(id: makeID(), name: name, arguments: arguments))
            }
        }
        self.calls = calls
        if calls.isEmpty {
            content = reply
        } else {
            let text = (before ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            content = text.isEmpty ? nil : text
        }
    }

    /// The name and arguments (as JSON text) of one call's JSON, read from its first
    /// complete object (a small model may write more after it).
    static func parseCall(_ block: String) -> (String, String)? {
        guard let objectText = firstObject(in: block), case .object(let members)? = JSONValue.parse(objectText),
              let name = members["name"]?.stringValue
        else { return nil }
        switch members["arguments"] ?? members["parameters"] {
        case .object(let arguments):
            return (name, JSONValue.object(arguments).jsonText)
        case .string(let text):
            // Some models write the arguments as a JSON string.
            guard case .object(let arguments)? = JSONValue.parse(text) else { return nil }
            return (name, JSONValue.object(arguments).jsonText)
        case nil, .null?:
            return (name, "{}")
        default:
            return nil
        }
    }

    /// The first balanced `{…}` in `text` (braces inside strings ignored).
    static func firstObject(in text: String) -> String? {
        guard let start = text.firstIndex(of: "{") else { return nil }
        var depth = 0
        var inString = false
        var escaped = false
        var index = start
        while index < text.endIndex {
            let character = text[index]
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "{" {
                depth += 1
            } else if character == "}" {
                depth -= 1
                if depth == 0 { return String(text[start...index]) }
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// A call id in OpenAI's style: `call_` and 24 letters or digits.
    static func newID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return "call_" + String((0..<24).map { _ in alphabet.randomElement()! })
    }
}
