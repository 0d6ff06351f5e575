import Foundation

/// A call in the Hermes format, `<tool_call>{"name": …, "arguments": {…}}</tool_call>`,
/// the one reader of it (the planner's calls and the server's `tool_calls` both come
/// through here) and the one place that spells its markers.
///
/// Reading is lenient where models slip and strict where it would have to guess:
/// - the call is the first balanced `{…}` of the block (braces inside strings do not
///   count), so a Markdown fence or a second object around it is ignored;
/// - `parameters` stands for a missing `arguments`; arguments written as a JSON string
///   that holds an object are that object; no arguments (or null) are `{}`;
/// - the object must be JSON and its `name` a string, or there is no call.
public struct HermesToolCall: Sendable, Equatable {
    /// The tag name of a call, as marker escaping and the stream parser know it.
    public static let markerName = "tool_call"
    /// The marker that opens a call.
    public static let opening = "<tool_call>"
    /// The marker that closes a call.
    public static let closing = "</tool_call>"
    /// The tag a tool's answer is given back in.
    public static let responseName = "tool_response"
    /// The tag the chat templates of this format list the tools in.
    public static let toolsName = "tools"

    /// The function or tool the call names.
    public var name: String
    /// The arguments object as compact JSON text (keys sorted); "{}" when the call
    /// gave none; nil when they are not an object (a plain string, a number, a list).
    public var arguments: String?
    /// What a tool that takes one text gets: the string argument named `input`,
    /// `expression`, `url`, `code` or `query`, else the first string argument by
    /// name, else the arguments themselves when they are a plain string; "" otherwise.
    public var input: String

    /// A call with the given parts.
    public init(name: String, arguments: String?, input: String) {
        self.name = name
        self.arguments = arguments
        self.input = input
    }

    /// The call in a block's content (what stands between the markers); nil when the
    /// block holds no JSON object with a string `name`.
    public init?(reading block: some StringProtocol) {
        guard let objectText = Self.firstObject(in: block),
              let object = Self.jsonObject(objectText) as? [String: Any],
              let name = object["name"] as? String
        else { return nil }
        var arguments = object["arguments"] ?? object["parameters"]
        if let encoded = arguments as? String, let decoded = Self.jsonObject(Substring(encoded)) as? [String: Any] {
            arguments = decoded
        }
        switch arguments {
        case nil, is NSNull:
            self.init(name: name, arguments: "{}", input: "")
        case let members as [String: Any]:
            self.init(name: name, arguments: Self.jsonText(members), input: Self.input(from: members))
        case let text as String:
            self.init(name: name, arguments: nil, input: text)
        default:
            self.init(name: name, arguments: nil, input: "")
        }
    }

    /// A whole reply split at its calls: the text before the first opening marker
    /// (all of it when there is none) and the content of each block, the last of
    /// which may be left unclosed.
    public static func split(_ reply: String) -> (text: Substring, blocks: [Substring]) {
        var rest = Substring(reply)
        var text: Substring?
        var blocks: [Substring] = []
        while let open = rest.range(of: opening) {
            if text == nil { text = rest[..<open.lowerBound] }
            let content = rest[open.upperBound...]
            if let close = content.range(of: closing) {
                blocks.append(content[..<close.lowerBound])
                rest = content[close.upperBound...]
            } else {
                blocks.append(content)
                rest = ""
            }
        }
        return (text ?? Substring(reply), blocks)
    }

    /// The first balanced `{…}` in `text`, braces inside JSON strings ignored; nil
    /// when no object closes.
    public static func firstObject(in text: some StringProtocol) -> Substring? {
        let text = Substring(text)
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
                if depth == 0 { return text[start...index] }
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// A call as a block, the way the format's chat templates lay one out:
    /// `arguments` is the arguments object's JSON text.
    public static func block(name: String, arguments: String) -> String {
        "\(opening)\n{\"name\": \"\(name)\", \"arguments\": \(arguments)}\n\(closing)"
    }

    /// A tool's answer as the format gives it back (in a user turn).
    public static func response(_ text: String) -> String {
        "<\(responseName)>\n\(text)\n</\(responseName)>"
    }

    // MARK: - JSON

    private static func jsonObject(_ text: some StringProtocol) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    private static func jsonText(_ members: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: members, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static let preferredInputs = ["input", "expression", "url", "code", "query"]

    private static func input(from members: [String: Any]) -> String {
        if let preferred = preferredInputs.lazy.compactMap({ members[$0] as? String }).first { return preferred }
        return members.keys.sorted().lazy.compactMap { members[$0] as? String }.first ?? ""
    }
}
