import AgentTools
import Foundation

/// Lays out the conversation the model continues: the system prompt naming the
/// tools, the few examples nearest the question (retrieved from the bank in
/// `prompts/examples/bank`), earlier turns, the question.
public struct ConversationLayout: Sendable {
    /// The prompt files the layout is made from.
    public let prompts: PromptLibrary
    /// The example bank, read once: nil when the prompts have none, an error when a
    /// file of it is malformed (reported when a conversation is laid out).
    private let bank: Result<ExampleBank?, PromptError>

    /// How many examples a question gets: enough to show the call it needs, few
    /// enough to leave the context to the conversation.
    public static let examplesPerQuestion = 4

    /// A layout from the templates and example bank in `prompts`.
    public init(prompts: PromptLibrary) {
        self.prompts = prompts
        let folder = prompts.directory + "/" + ExampleBank.defaultFolder
        if FileManager.default.fileExists(atPath: folder) {
            bank = Result { () throws(PromptError) in try ExampleBank(prompts: prompts) }.map { $0 }
        } else {
            bank = .success(nil)
        }
    }

    /// The system prompt and examples for `tools` in `format`: the part before the
    /// conversation, and how many of its messages are the same for every question
    /// (the system prompt; the examples are chosen per question). The examples are
    /// the bank's nearest to `question` (BM25 over their questions), the best last,
    /// since small models imitate what they read last; `preferring` a tool, when the
    /// question already settles it, takes only that tool's examples.
    public func preamble(
        tools: [any Tool], format: ToolCallFormat, question: String = "", preferring tool: String? = nil
    ) throws(PromptError) -> (messages: [Message], stable: Int) {
        guard !tools.isEmpty else {
            return ([Message(.system, try prompts.render("system-no-tools.md", [:]).trimmingCharacters(in: .newlines))], 1)
        }
        switch format {
        case .inline:
            let list = tools.map(Self.inlineEntry).joined(separator: "\n")
            let system = Message(.system, try prompts.render("system.md", ["tools": list]).trimmingCharacters(in: .newlines))
            let examples = try bank.get()?.nearest(
                to: question, count: Self.examplesPerQuestion, tools: tools.map(\.name), preferring: tool) ?? []
            return ([system] + examples.flatMap(\.messages), 1)
        case .hermes:
            let schemas = tools.map(Self.hermesSchema).joined(separator: "\n")
            return ([Message(.system, try prompts.render("system-hermes.md", ["tools": schemas]).trimmingCharacters(in: .newlines))], 1)
        }
    }

    /// A tool's line in the inline tool list: its marker and description; a tool with
    /// JSON arguments shows their layout inside the marker,
    /// `<convert_length>{"value": number, "unit": string}</convert_length>`.
    static func inlineEntry(_ tool: any Tool) -> String {
        let inside = tool.inputSchema.flatMap(ArgumentSchema.init(json:))?.layout ?? "…"
        return "- <\(tool.name)>\(inside)</\(tool.name)>: \(tool.description)"
    }

    /// A tool as a JSON function schema: its own schema when it has one, else one
    /// string argument, "input".
    static func hermesSchema(_ tool: any Tool) -> String {
        let description = tool.description.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let parameters = tool.inputSchema.map(Self.compact)
            ?? #"{"type": "object", "properties": {"input": {"type": "string"}}, "required": ["input"]}"#
        return #"{"type": "function", "function": {"name": "\#(tool.name)", "description": "\#(description)", "parameters": "#
            + parameters + "}}"
    }

    /// JSON text on one line (a schema may be pretty-printed).
    static func compact(_ json: String) -> String {
        guard let data = json.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data),
            let compact = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return json.split(whereSeparator: \.isNewline).joined(separator: " ") }
        return String(decoding: compact, as: UTF8.self)
    }

    /// How a tool's result is given back in the Hermes format: a user message in
    /// the shape Qwen's and Hermes' templates use for tool responses.
    static func hermesResult(_ text: String) -> Message {
        Message(.user, HermesToolCall.response(text))
    }
}
