import AgentTools
import Synchronization

/// How the planner holds a run's calls to its question (see `CallGrounding`): what
/// guides the text between calls, what narrows a call's input, what is checked
/// before a call runs, what the model reads of a result, and when it tries again.
extension Planner {
    /// The temperature of another attempt after a failed call: the same greedy choice
    /// would fail the same way.
    static let retryTemperature = 0.5
    /// How many times one tool may be tried when its calls fail.
    static let maximumAttempts = 3
    /// The length of a one-sentence answer after a result, in tokens.
    static let answerTokens = 60
    /// How many times a calculation may use one number.
    static let maximumUsesOfANumber = 2
    /// Numbers plotting code may write besides the question's: sizes, steps and
    /// sample counts (`np.linspace(0, 2*pi, 200)`).
    static let codeConstants: Set<String> = ["0", "1", "2", "10", "100", "200"]

    /// How many characters end a copied passage (its stop string).
    static let passageEndLength = 8
    /// Plotting code needs no more characters than this.
    static let maximumCodeLength = 700

    /// What guides the model's next stretch of text: before the first call, a choice
    /// among the opening markers of the tools the question needs; after a page, a copy
    /// of its best passages ending the answer; after a calculation or a call with JSON
    /// arguments (an MCP server's tool), numbers held to the question's and the results'.
    struct TextGuidance {
        var constraint: (any TokenConstraint)?
        var stopStrings: [String] = []
        /// At most this many tokens (nil: the run's budget).
        var maximumTokens: Int?
        /// The text this guidance writes is the end of the answer.
        var endsAnswer = false
        /// The stop string is part of the answer (the end of a copied passage).
        var keepsStop = false
        /// Text the planner writes before the model goes on (the first word of a copy).
        var start = ""
    }

    /// A constraint that reads the text as if `prefix` (written by the planner, not
    /// generated) came first.
    struct PrefixedConstraint: TokenConstraint {
        let prefix: String
        let base: any TokenConstraint

        func allowedTokens(after text: String) -> TokenSet? {
            base.allowedTokens(after: prefix + text)
        }
    }

    func nextTextGuidance(run: PlannerRun) -> TextGuidance {
        guard let grounding = run.grounding, let vocabulary = model.vocabulary else { return TextGuidance() }
        if run.steps.isEmpty, run.visibleText.isEmpty, let first = requiredFirstTools(for: grounding) {
            let openings = first.map { run.format.opening(for: $0) }
            let candidates = groundingTables.choiceCandidates(vocabulary: vocabulary, alphabet: Set(openings.joined()))
            return TextGuidance(constraint: ChoiceConstraint(choices: openings, candidates: candidates))
        }
        if let last = run.steps.last, last.ok, last.tool == "fetch", let sources = run.answerSources, !sources.isEmpty,
            !grounding.facts.asksForFigure, !grounding.facts.asksForArithmetic
        {
            // The answer copies the best passage, from its first word to its end. (Asked
            // to pick among passages, to start where it liked or to stop mid-sentence, the
            // 135M model chose filler, the sentence's last words, or a name without the fact.)
            let best = sources[0]
            // (A passage shorter than its first word and ending is copied from any word.)
            let word = String(best.prefix { !$0.isWhitespace })
            let firstWord = best.count > word.count + Self.passageEndLength ? word : ""
            let copy = CopyConstraint(sources: [best], minimumLength: .max, candidates: groundingTables.copyCandidates(vocabulary: vocabulary))
            return TextGuidance(
                constraint: PrefixedConstraint(prefix: firstWord, base: copy), stopStrings: [String(best.suffix(Self.passageEndLength))],
                maximumTokens: best.count + 8, endsAnswer: true, keepsStop: true, start: firstWord)
        }
        if let last = run.steps.last, last.ok, last.tool == "calc" || takesArguments(last.tool) {
            let numeric = groundingTables.numericTokens(vocabulary: vocabulary)
            // One line of answer: a small model left to go on repeats itself.
            return TextGuidance(
                constraint: GroundedNumberConstraint(numbers: grounding.answerNumbers, base: nil, tokens: numeric, allowsFullStop: true),
                stopStrings: ["\n", ". "], maximumTokens: Self.answerTokens, endsAnswer: true)
        }
        return TextGuidance()
    }

    /// The input constraint of a call to `tool`: the tool's own (`narrowing`), and for a
    /// grounded run, numbers from the question and its results (calculator) or one of
    /// the known addresses (fetch).
    func inputConstraint(
        for tool: any Tool, closing: String, narrowing constraint: (any TokenConstraint)?, run: PlannerRun
    ) -> (any TokenConstraint)? {
        guard let grounding = run.grounding, let vocabulary = model.vocabulary else { return constraint }
        switch tool.name {
        case "calc":
            let numeric = groundingTables.numericTokens(vocabulary: vocabulary)
            // The first calculation uses every number the question gives.
            let first = !run.steps.contains { $0.tool == "calc" && $0.ok }
            return GroundedNumberConstraint(
                numbers: grounding.numbers, base: constraint, tokens: numeric, allowsFullStop: false,
                required: first ? grounding.operands : [], maximumUses: Self.maximumUsesOfANumber,
                usesOfNumber: first ? grounding.operandUses : [:], words: tool.inputWords)
        case "python":
            let limit = min(tool.maximumInputLength, Self.maximumCodeLength)
            let code = groundingTables.pythonConstraint(vocabulary: vocabulary, closing: closing, maximumLength: limit)
            guard let plotData = grounding.plotData else { return code }
            // The data are written already (`inputStart`); the rest writes the question's
            // numbers or a few for shapes and ranges, none invented.
            let data = plotData.numbers.map(PlotDataCheck.written)
            return GroundedNumberConstraint(
                numbers: grounding.numbers.union(data).union(Self.codeConstants), base: code,
                tokens: groundingTables.numericTokens(vocabulary: vocabulary), allowsFullStop: false, maximumUses: 2)
        case "fetch" where !grounding.urls.isEmpty:
            let choices = grounding.urls.map { $0 + closing }
            // Addresses differ by question: their candidates are not kept.
            let candidates = ChoiceCandidates(vocabulary: vocabulary, alphabet: Set(choices.joined()))
            return ChoiceConstraint(choices: choices, candidates: candidates)
        default:
            return constraint
        }
    }

    /// What the planner writes at the start of a call's input before the model goes
    /// on: for a figure, the code's import and the question's data (`PlotCodeStart`).
    func inputStart(for tool: String, run: PlannerRun) -> String {
        guard let grounding = run.grounding, tool == "python", let plotData = grounding.plotData else { return "" }
        return PlotCodeStart.code(for: grounding.question, data: plotData)
    }

    /// Why a call should not run, as one line for the model; nil when it may.
    func problemBeforeRunning(_ call: ToolCall, run: PlannerRun) -> String? {
        guard let grounding = run.grounding else { return nil }
        switch call.tool {
        case "fetch" where grounding.urls.isEmpty:
            return "there is no web address in the question to fetch"
        case "python":
            return grounding.plotData?.problem(code: call.input)
        default:
            return nil
        }
    }

    /// What the model reads of `step`'s result; also takes the result into the run's
    /// grounding (its numbers and addresses may be used next).
    /// A page is read by its best passages for the question; a failed piece of code by
    /// its one-line error (another attempt follows, rather than an explanation).
    func shownResult(of step: AgentStep, run: inout PlannerRun) -> String {
        guard let grounding = run.grounding else { return step.output }
        guard step.ok else {
            guard step.tool == "python", let line = PythonErrorLine.line(in: step.output) else { return step.output }
            return "error: " + line
        }
        var shown = step.output
        if step.tool == "fetch" {
            let digest = PageDigest(fetchOutput: step.output, question: grounding.question)
            shown = digest.text
            run.answerSources = digest.passages
        }
        run.grounding?.absorb(shown)
        return shown
    }

    /// The tool to open again after `step`, when it failed and attempts are left.
    func toolToRetry(after step: AgentStep, run: PlannerRun) -> String? {
        guard let grounding = run.grounding else { return nil }
        let attempts = run.steps.filter { $0.tool == step.tool }.count
        guard attempts < Self.maximumAttempts else { return nil }
        switch step.tool {
        case "python" where grounding.facts.asksForFigure:
            return !step.ok || step.files.isEmpty ? step.tool : nil
        case "calc":
            return step.ok ? nil : step.tool
        default:
            return nil
        }
    }
}

/// The token tables grounded runs need, built on first use (a pass over the
/// vocabulary each) and kept for every later question.
final class GroundingTables: Sendable {
    private let numeric = Mutex<NumericTokens?>(nil)
    private let choices = Mutex<[Set<Character>: ChoiceCandidates]>([:])
    private let copy = Mutex<CopyCandidates?>(nil)
    private let python = Mutex<PythonCodeConstraint?>(nil)
    private let jsonString = Mutex<JSONStringConstraint?>(nil)

    /// The constraint of a JSON string value's content (JSON arguments).
    func jsonStringConstraint(vocabulary: TokenVocabulary) -> JSONStringConstraint {
        if let built = jsonString.withLock({ $0 }) { return built }
        let built = JSONStringConstraint(vocabulary: vocabulary, maximumLength: Self.maximumStringLength)
        jsonString.withLock { $0 = built }
        return built
    }

    /// The longest string argument worth writing, in characters.
    static let maximumStringLength = 80

    func copyCandidates(vocabulary: TokenVocabulary) -> CopyCandidates {
        if let built = copy.withLock({ $0 }) { return built }
        let built = CopyCandidates(vocabulary: vocabulary)
        copy.withLock { $0 = built }
        return built
    }

    func pythonConstraint(vocabulary: TokenVocabulary, closing: String, maximumLength: Int) -> PythonCodeConstraint {
        if let built = python.withLock({ $0 }), built.closing == closing, built.maximumLength == maximumLength { return built }
        let built = PythonCodeConstraint(vocabulary: vocabulary, closing: closing, maximumLength: maximumLength)
        python.withLock { $0 = built }
        return built
    }

    func numericTokens(vocabulary: TokenVocabulary) -> NumericTokens {
        if let built = numeric.withLock({ $0 }) { return built }
        let built = NumericTokens(vocabulary: vocabulary)
        numeric.withLock { $0 = built }
        return built
    }

    func choiceCandidates(vocabulary: TokenVocabulary, alphabet: Set<Character>) -> ChoiceCandidates {
        if let built = choices.withLock({ $0[alphabet] }) { return built }
        let built = ChoiceCandidates(vocabulary: vocabulary, alphabet: alphabet)
        choices.withLock { $0[alphabet] = built }
        return built
    }
}
