import AgentTools

/// How the planner calls tools that take JSON arguments (`Tool.inputSchema`, e.g.
/// an MCP server's): which first call a question asks for, and how a call's
/// arguments are written.
extension Planner {
    /// The tools the first call must choose among: the built-in rule's
    /// (`CallGrounding.requiredFirstTools`), else a tool with a schema that the
    /// question names by its words (`SchemaToolMatch`); nil when neither settles it.
    func requiredFirstTools(for grounding: CallGrounding) -> [String]? {
        if let builtIn = grounding.requiredFirstTools(among: tools.map(\.name)) { return builtIn }
        return SchemaToolMatch.preferredTool(for: grounding.question, among: tools).map { [$0] }
    }

    /// The writer of a call to `tool`, when it takes JSON arguments and the model's
    /// next tokens can be constrained; nil otherwise (the input is written as text).
    func schemaWriter(for tool: any Tool, run: PlannerRun) -> SchemaArgumentsWriter? {
        guard let json = tool.inputSchema, let schema = ArgumentSchema(json: json), let vocabulary = model.vocabulary else { return nil }
        let tables = groundingTables
        let constraints = SchemaArgumentsWriter.Constraints(
            string: tables.jsonStringConstraint(vocabulary: vocabulary),
            number: { terminator, integer in
                JSONNumberConstraint(
                    terminator: terminator, integer: integer,
                    candidates: tables.choiceCandidates(vocabulary: vocabulary, alphabet: JSONNumberConstraint.alphabet(terminator: terminator)))
            },
            choice: { choices in
                ChoiceConstraint(choices: choices, candidates: tables.choiceCandidates(vocabulary: vocabulary, alphabet: Set(choices.joined())))
            },
            copy: { sources in
                QuotedCopyConstraint(sources: sources, candidates: tables.copyCandidates(vocabulary: vocabulary), vocabulary: vocabulary)
            })
        // Numbers come from the question and the results, as a calculation's do.
        let numbers = run.grounding.map { SchemaArgumentsWriter.jsonNumbers($0.answerNumbers) } ?? []
        var writer = SchemaArgumentsWriter(
            schema: schema, constraints: constraints, numbers: numbers, temperature: options.temperature,
            seed: options.seed &+ UInt64(run.steps.count))
        // Strings are copied from the question and the results, as addresses are.
        if let grounding = run.grounding {
            writer.stringSources = [grounding.question] + run.steps.filter(\.ok).map { String($0.output.prefix(Self.maximumCopiedResult)) }
        }
        return writer
    }

    /// A Hermes call of a tool that takes JSON arguments, with its input the whole
    /// arguments object (the parser keeps one string of it, for tools that take text),
    /// read again from the last `<tool_call>` block of the turn. Other calls as they are.
    func withJSONArguments(_ call: Result<ToolCall, MalformedCall>, turnText: String, format: ToolCallFormat) -> Result<ToolCall, MalformedCall> {
        guard format == .hermes, case .success(var toolCall) = call, takesArguments(toolCall.tool),
            let opening = turnText.range(of: HermesToolCall.opening, options: .backwards)
        else { return call }
        var block = turnText[opening.upperBound...]
        if let closing = block.range(of: HermesToolCall.closing) { block = block[..<closing.lowerBound] }
        guard let parsed = HermesToolCall(reading: block), parsed.name == toolCall.tool, let arguments = parsed.arguments else { return call }
        toolCall.input = arguments
        return .success(toolCall)
    }

    /// How much of a result a string argument may be copied from, in characters.
    static let maximumCopiedResult = 2000

    /// Whether `name` is a tool that takes JSON arguments.
    func takesArguments(_ name: String) -> Bool {
        tools.first { $0.name == name }?.inputSchema != nil
    }
}
