import AgentTools

/// Lays out the conversation the model continues: the system prompt naming the
/// tools, example conversations that show their markers, earlier turns, the question.
public struct ConversationLayout: Sendable {
    /// The prompt files the layout is made from.
    public let prompts: PromptLibrary

    /// A layout from the templates and examples in `prompts`.
    public init(prompts: PromptLibrary) {
        self.prompts = prompts
    }

    /// The system prompt and examples for `tools` in `format`: the part before the
    /// conversation. Each tool's examples form a group; small models imitate the
    /// examples they read last, so the group whose questions share the most words with
    /// `question` comes last (ties keep the order of `tools`). There are few such
    /// orders, so the prompt cache still serves them.
    public func preamble(tools: [any Tool], format: ToolCallFormat, question: String = "") throws(PromptError) -> [Message] {
        guard !tools.isEmpty else {
            return [Message(.system, try prompts.render("system-no-tools.md", [:]).trimmingCharacters(in: .newlines))]
        }
        switch format {
        case .inline:
            let list = tools.map { "- <\($0.name)>…</\($0.name)>: \($0.description)" }.joined(separator: "\n")
            var groups: [(examples: [Message], relevance: Int)] = []
            let questionWords = Self.words(question)
            for tool in tools {
                let file = "examples/\(tool.name).md"
                guard (try? prompts.text(file)) != nil else { continue }
                let examples = try prompts.examples(file)
                let exampleWords = examples.filter { $0.role == .user }.reduce(into: Set<String>()) { $0.formUnion(Self.words($1.content)) }
                groups.append((examples, questionWords.intersection(exampleWords).count))
            }
            // A stable sort: equal relevance keeps the tools' order.
            let ordered = groups.enumerated().sorted { ($0.element.relevance, $0.offset) < ($1.element.relevance, $1.offset) }
            let system = Message(.system, try prompts.render("system.md", ["tools": list]).trimmingCharacters(in: .newlines))
            return [system] + ordered.flatMap(\.element.examples)
        case .hermes:
            let schemas = tools.map(Self.hermesSchema).joined(separator: "\n")
            return [Message(.system, try prompts.render("system-hermes.md", ["tools": schemas]).trimmingCharacters(in: .newlines))]
        }
    }

    /// The distinct lowercase words of three letters or more in `text`.
    static func words(_ text: String) -> Set<String> {
        Set(text.lowercased().split { !$0.isLetter }.filter { $0.count >= 3 }.map(String.init))
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
        Message(.user, HermesToolCall.response(text))
    }
}
