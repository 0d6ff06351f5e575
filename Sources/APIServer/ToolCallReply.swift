import Agent
import Foundation
import OpenAIAPI

/// Reads a model's reply that may call functions: text, then `<tool_call>` blocks
/// of `{"name": …, "arguments": {…}}` (the last may be left unclosed), each read by
/// Agent's `HermesToolCall`. A block that holds no call, whose arguments are not an
/// object, or that names a function the request did not offer, is not a call; when
/// no block is, the whole reply is text.
struct ToolCallReply: Equatable {
    /// The text before the first call (nil when there is none).
    var content: String?
    /// The calls, in the order written.
    var calls: [ToolCallObject]

    init(_ reply: String, tools: [FunctionDefinition], makeID: () -> String = ToolCallReply.newID) {
        let names = Set(tools.map(\.name))
        let (text, blocks) = HermesToolCall.split(reply)
        calls = blocks.compactMap { block in
            guard let (name, arguments) = Self.parseCall(block), names.contains(name) else { return nil }
            return ToolCallObject(id: makeID(), name: name, arguments: arguments)
        }
        if calls.isEmpty {
            content = reply
        } else {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            content = trimmed.isEmpty ? nil : trimmed
        }
    }

    /// The name and arguments (as compact JSON text, keys sorted) of one block's call;
    /// nil when it holds none or its arguments are not an object.
    static func parseCall(_ block: some StringProtocol) -> (String, String)? {
        guard let call = HermesToolCall(reading: block), let arguments = call.arguments,
              case .object(let members)? = JSONValue.parse(arguments)
        else { return nil }
        return (call.name, JSONValue.object(members).jsonText)
    }

    /// A call id in OpenAI's style: `call_` and 24 letters or digits.
    static func newID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return "call_" + String((0..<24).map { _ in alphabet.randomElement()! })
    }
}
