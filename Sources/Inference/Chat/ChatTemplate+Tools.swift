extension ChatTemplate {
    /// Whether the template program lays out tool definitions and calls itself, the
    /// Hermes way (`tools` in the system turn, calls in `<tool_call>` blocks): then a
    /// server renders a request with tools through it, rather than adding its own
    /// tool section to a plain conversation.
    public var rendersHermesTools: Bool {
        guard program != nil, let source else { return false }
        return source.contains("tools") && source.contains("<tool_call>")
    }
}

extension Model {
    /// The prompt tokens of a conversation given as the template's own variables
    /// (`messages` with `tool_calls` and tool turns, `tools`, …), ending where the
    /// assistant's reply begins. Throws when the template program is missing or refuses
    /// the conversation.
    public func chatTokens(variables: [String: JinjaValue]) throws -> [TokenID] {
        let prompt = try chatTemplate.renderProgram(variables: variables, addGenerationPrompt: true)
        return tokenizer.encode(prompt, addSpecial: !chatTemplate.rendersBeginOfSequence, parseSpecial: true)
    }
}
