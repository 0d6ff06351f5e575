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
    /// (`messages` with `tool_calls` and tool turns, `tools`, …); `add_generation_prompt`,
    /// `bos_token` and `eos_token` are filled in. Throws when the template program is
    /// missing or refuses the conversation.
    public func chatTokens(variables: [String: JinjaValue]) throws -> [TokenID] {
        guard let program = chatTemplate.program else {
            throw chatTemplate.programProblem ?? JinjaError.unsupported("a model without a chat template", line: 1)
        }
        var context = variables
        context["add_generation_prompt"] = context["add_generation_prompt"] ?? .bool(true)
        context["bos_token"] = .string(chatTemplate.beginOfSequenceText)
        context["eos_token"] = .string(chatTemplate.endOfSequenceText)
        return tokenizer.encode(try program.render(context), addSpecial: !chatTemplate.rendersBeginOfSequence, parseSpecial: true)
    }
}
