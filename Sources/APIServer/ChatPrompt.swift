import Agent
import Inference
import OpenAIAPI

/// A chat request laid out for the engine: the conversation in the chat template's
/// terms, the start of the reply, and the functions the reply may call.
///
/// Functions are offered the Hermes way (JSON schemas in the system prompt, calls
/// written `<tool_call>{"name", "arguments"}</tool_call>`, results given back in
/// `<tool_response>`), the format models trained on tools know. When the model's
/// own template lays tools out that way (Qwen 2.5, Hermes, …), the request is
/// rendered by the template (`templateVariables`); otherwise Ponder adds the section
/// itself (serve-tools.md). How a call is then written is `ToolCallWriter`'s part.
struct ChatPrompt {
    /// The conversation for the chat template.
    var messages: [ChatMessage]
    /// Where the reply starts: a trailing assistant message of the request, which
    /// the model continues (not repeated back to the client).
    var assistantPrefix: String
    /// The functions the reply may call (empty: plain text).
    var tools: [FunctionDefinition]
    /// Whether the reply must call a function, and which.
    var choice: ToolChoice
    /// The request as the template's own variables (`messages` with `tool_calls` and
    /// tool turns, `tools`), when the template renders tools itself; nil otherwise.
    var templateVariables: [String: JinjaValue]?

    /// `templateRendersTools`: the model's template lays out tools the Hermes way.
    init(_ request: ChatCompletionRequest, prompts: PromptLibrary, templateRendersTools: Bool = false) throws(APIError) {
        guard !request.messages.isEmpty else { throw .invalid("'messages' is empty: send at least one message", param: "messages") }
        let offered = request.tools ?? []
        try ToolValidation.check(offered)
        let choice = request.toolChoice ?? (offered.isEmpty ? ToolChoice.none : .auto)
        switch choice {
        case .required where offered.isEmpty:
            throw .invalid("'tool_choice' is \"required\" but the request offers no 'tools'", param: "tool_choice")
        case .function(let name) where !offered.contains(where: { $0.function.name == name }):
            throw .invalid("'tool_choice' names the function '\(name)', which is not among 'tools'", param: "tool_choice")
        default:
            break
        }
        tools = choice == .none ? [] : offered.map(\.function)
        self.choice = tools.isEmpty ? .none : choice

        var conversation = try Self.conversation(request.messages)
        var clientPrefix = ""
        if let last = request.messages.last, last.role == .assistant, last.toolCalls?.isEmpty ?? true {
            // A trailing assistant message is the start of the reply (as llama.cpp's
            // server does): the model continues it.
            clientPrefix = last.text
            conversation.removeLast()
        }
        if !tools.isEmpty {
            let schemas = tools.map(Self.schemaLine).joined(separator: "\n")
            let section: String
            do {
                section = try prompts.render("serve-tools.md", ["tools": schemas]).trimmingCharacters(in: .newlines)
            } catch {
                throw .server("the prompt file serve-tools.md could not be read: \(error)")
            }
            if let first = conversation.first, first.role == .system {
                conversation[0].content += "\n\n" + section
            } else {
                conversation.insert(ChatMessage(role: .system, content: section), at: 0)
            }
        }
        messages = conversation
        assistantPrefix = clientPrefix
        if templateRendersTools, !tools.isEmpty {
            var native = request.messages
            if !clientPrefix.isEmpty { native.removeLast() }
            templateVariables = Self.templateVariables(native, tools: tools)
        }
    }

    /// The messages and tools as a template reads them (as transformers passes them):
    /// roles as sent, `tool_calls` with their arguments as objects, a tool turn with
    /// the name of the function it answers.
    static func templateVariables(_ messages: [ChatCompletionMessage], tools: [FunctionDefinition]) -> [String: JinjaValue] {
        var callNames: [String: String] = [:]
        let turns: [JinjaValue] = messages.map { message in
            var turn = JinjaDict([("role", .string(message.role == .developer ? "system" : message.role.rawValue)),
                                  ("content", .string(message.text))])
            if let calls = message.toolCalls, !calls.isEmpty {
                turn["tool_calls"] = .list(calls.map { call in
                    callNames[call.id] = call.function.name
                    let arguments = JSONValue.parse(call.function.arguments).map(Self.jinja) ?? .string(call.function.arguments)
                    return .dict(JinjaDict([
                        ("id", .string(call.id)), ("type", .string("function")),
                        ("function", .dict(JinjaDict([("name", .string(call.function.name)), ("arguments", arguments)]))),
                    ]))
                })
            }
            if message.role == .tool {
                if let id = message.toolCallID {
                    turn["tool_call_id"] = .string(id)
                    if let name = message.name ?? callNames[id] { turn["name"] = .string(name) }
                }
            }
            return .dict(turn)
        }
        let definitions: [JinjaValue] = tools.map { tool in
            var function: [String: JSONValue] = ["name": .string(tool.name)]
            if let description = tool.description { function["description"] = .string(description) }
            function["parameters"] = tool.parameters ?? .object(["type": .string("object"), "properties": .object([:])])
            return jinja(.object(["type": .string("function"), "function": .object(function)]))
        }
        return ["messages": .list(turns), "tools": .list(definitions)]
    }

    /// A JSON value as a template value. Object keys come sorted (the request's JSON is
    /// kept in dictionaries), so a template's `tojson` prints a tool's schema with its keys
    /// sorted, not in the client's order.
    static func jinja(_ value: JSONValue) -> JinjaValue {
        (try? JinjaValue(json: value.jsonText)) ?? .none
    }

    /// The markers that open a call: the Hermes `<tool_call>`, and a function's name
    /// as an inline marker (`<get_weather>`), which models taught inline markers write.
    var callOpenings: [String] {
        tools.isEmpty ? [] : [HermesToolCall.opening] + tools.map { "<\($0.name)>" }
    }

    /// The request's messages as the template's: system and developer messages are
    /// system turns; an assistant's calls are written as `<tool_call>` blocks and a
    /// tool's answer as a `<tool_response>` in a user turn.
    static func conversation(_ messages: [ChatCompletionMessage]) throws(APIError) -> [ChatMessage] {
        var result: [ChatMessage] = []
        for (index, message) in messages.enumerated() {
            if case .parts(let parts) = message.content, let other = parts.firstIndex(where: { $0.type != "text" }) {
                throw .invalid(
                    "messages[\(index)].content[\(other)] is of type '\(parts[other].type)'; this server reads text parts only",
                    param: "messages[\(index)].content")
            }
            switch message.role {
            case .system, .developer:
                result.append(ChatMessage(role: .system, content: message.text))
            case .user:
                result.append(ChatMessage(role: .user, content: message.text))
            case .assistant:
                var text = message.text
                for call in message.toolCalls ?? [] {
                    let arguments = JSONValue.parse(call.function.arguments)?.jsonText ?? call.function.arguments
                    text += (text.isEmpty ? "" : "\n") + HermesToolCall.block(name: call.function.name, arguments: arguments)
                }
                result.append(ChatMessage(role: .assistant, content: text))
            case .tool:
                result.append(ChatMessage(role: .user, content: HermesToolCall.response(message.text)))
            }
        }
        return result
    }

    /// A function as one line of JSON schema.
    static func schemaLine(_ tool: FunctionDefinition) -> String {
        var function: [String: JSONValue] = ["name": .string(tool.name)]
        if let description = tool.description { function["description"] = .string(description) }
        function["parameters"] = tool.parameters ?? .object(["type": .string("object"), "properties": .object([:])])
        return JSONValue.object(["type": .string("function"), "function": .object(function)]).jsonText
    }
}
