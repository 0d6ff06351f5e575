import AgentTools

/// Lays out the conversation the model continues: the system prompt naming the
/// tools, example conversations that show their markers, earlier turns, the question.
public struct ConversationLayout: Sendable {
    public let prompts: PromptLibrary

    public init(prompts: PromptLibrary) {
        self.prompts = prompts
    }

    /// The system prompt and examples for `tools` in `format` (the part that is the
    /// same for every question).
    public func preamble(tools: [any Tool], format: ToolCallFormat) throws(PromptError) -> [Message] {
        guard !tools.isEmpty else {
            return [Message(.system, try prompts.render("system-no-tools.md", [:]).trimmingCharacters(in: .newlines))]
        }
        switch format {
        case .inline:
            let list = tools.map { "- <\($0.name)>…</\($0.name)>: \($0.description)" }.joined(separator: "\n")
            var messages = [Message(.system, try prompts.render("system.md", ["tools": list]).trimmingCharacters(in: .newlines))]
            for tool in tools {
                let file = "examples/\(tool.name).md"
                if (try? prompts.text(file)) != nil { messages += try prompts.examples(file) }
            }
            return messages
        case .hermes:
            let schemas = tools.map(Self.hermesSchema).joined(separator: "\n")
            return [Message(.system, try prompts.render("system-hermes.md", ["tools": schemas]).trimmingCharacters(in: .newlines))]
        }
    }

    /// A tool as a JSON function schema with one string argument, "input".
    static func hermesSchema(_ tool: any Tool) -> String {
        let description = tool.description.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return #"{"type": "function", "function": {"name": "\#(tool.name)", "description": "\#(description)", "#
            + #""parameters": {"type": "object", "properties": {"input": {"type": "string"}}, "required": ["input"]}}}"#
    }

    /// How a tool's result is given back in the Hermes format: a user message in
    /// the shape Qwen's and Hermes' templates use for tool responses.
    static func hermesResult(_ text: String) -> Message {
        Message(.user, "<tool_response>\n\(text)\n</tool_response>")
    }
}
