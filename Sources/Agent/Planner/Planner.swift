import AgentTools
import Foundation
import Synchronization

/// The agent loop: the model writes; when it writes a tool-call marker the tool
/// runs and its result is appended; the model continues until it answers.
///
/// Inside a marker the model's next tokens are restricted to the tool's alphabet
/// (when the model allows constraints), so even a small model writes calls that
/// parse. A tool's error goes back to the model as its result. Every result is data:
/// marker-like tags in it are escaped (`MarkerEscaping`) before it joins the
/// conversation, so it can neither close itself nor open a call. Limits on steps,
/// tokens and time always end in an answer: the best so far, marked as such.
public struct Planner: Sendable {
    /// The model that writes the answer.
    public let model: any LanguageModel
    /// The tools the model may call (none: a plain chat).
    public let tools: [any Tool]
    /// Lays out the conversation: system prompt, tool list, examples, history.
    public let layout: ConversationLayout
    /// Limits, sampling and tool-call format of each run.
    public var options: PlannerOptions
    /// Each tool's input constraint, built once for the planner's model (a pass over
    /// its whole vocabulary) and kept for every question after.
    private let constraints = ConstraintCache()
    /// The token tables grounded calls need (numbers, markers), built once per model.
    let groundingTables = GroundingTables()

    /// A planner that has `model` answer with `tools`, in conversations laid out by `layout`.
    public init(model: any LanguageModel, tools: [any Tool], layout: ConversationLayout, options: PlannerOptions = PlannerOptions()) {
        self.model = model
        self.tools = tools
        self.layout = layout
        self.options = options
    }

    /// The tool-call format this planner uses with its model.
    public var format: ToolCallFormat {
        options.format ?? model.nativeToolCallFormat ?? .inline
    }

    /// Answers `question`, after the earlier turns `history`, in `session` (a new one
    /// if nil). `onEvent` receives answer text and tool activity as they happen. The
    /// run ends by `options.timeLimit` or `deadline`, whichever comes first; stopping
    /// `deadline` ends it with the answer so far.
    public func answer(
        _ question: String, history: [Message] = [], session existing: (any LanguageModelSession)? = nil, deadline: Deadline = .unlimited(),
        onEvent: @escaping @Sendable (AssistantEvent) -> Void = { _ in }
    ) async throws -> AgentAnswer {
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = deadline.limited(to: options.timeLimit)
        let (messages, stablePrefix) = try conversation(for: question, history: history)
        let session: any LanguageModelSession
        if let given = existing {
            session = given
        } else {
            session = try await model.makeSession()
        }
        let usageBefore = await session.usage
        try await session.start(messages, assistantPrefix: "", stablePrefix: stablePrefix)

        var run = makeRun()
        if options.grounded, run.constrained { run.grounding = CallGrounding(question: question, history: history) }
        var turn = Turn(messages: messages, stablePrefix: stablePrefix)
        try await write(in: session, run: &run, turn: &turn, deadline: deadline, lineByLine: false, onEvent: onEvent)

        let usage = await session.usage - usageBefore
        run.conversation.append(Message(.assistant, turn.text))
        return AgentAnswer(
            answer: run.finalAnswer, mode: .fast, steps: run.steps, files: run.steps.flatMap(\.files), tokens: usage,
            seconds: (clock.now - started).inSeconds, stoppedBy: run.stoppedBy,
            conversation: [Message(.user, question)] + run.conversation)
    }

    /// The conversation `answer` lays out for `question` (in `format`, else the
    /// planner's): the system prompt and examples (`stablePrefix` messages, the same
    /// for every run), the earlier turns, then the question.
    public func conversation(
        for question: String, history: [Message] = [], format: ToolCallFormat? = nil
    ) throws(PromptError) -> (messages: [Message], stablePrefix: Int) {
        let preferred = options.grounded ? requiredFirstTools(for: CallGrounding(question: question))?.first : nil
        let preamble = try layout.preamble(tools: tools, format: format ?? self.format, question: question, preferring: preferred)
        return (preamble.messages + history + [Message(.user, question)], preamble.stable)
    }

    /// Writes one line of the answer in `session`, which holds the conversation and
    /// the answer so far, running the tools the model calls on the way: a thought,
    /// for deliberation. Sampling follows `options`; generation stops at the end of
    /// the line, the end of the turn, a limit, or when `deadline` passes or is stopped.
    /// Tool calls are written as inline markers (a line of a Hermes exchange cannot
    /// be continued in place).
    public func writeLine(in session: any LanguageModelSession, deadline: Deadline) async throws -> AnswerLine {
        var run = makeRun(format: .inline)
        var turn = Turn(messages: [], stablePrefix: 0)
        try await write(in: session, run: &run, turn: &turn, deadline: deadline, lineByLine: true) { _ in }
        return AnswerLine(
            text: turn.text, answer: run.visibleText, steps: run.steps, endsAnswer: !turn.endedLine,
            tokens: run.generatedTokens, stoppedBy: run.stoppedBy)
    }

    private func makeRun(format: ToolCallFormat? = nil) -> PlannerRun {
        let format = format ?? self.format
        return PlannerRun(format: format, tools: tools, constrained: format == .inline && model.vocabulary != nil)
    }

    /// The assistant's turn as it grows, and the messages before it (a Hermes
    /// exchange starts the conversation again with a tool's result).
    private struct Turn {
        var messages: [Message]
        let stablePrefix: Int
        var text = ""
        /// Set when a line-by-line turn stopped at the end of a line.
        var endedLine = false
    }

    /// The loop: generate → parse → run the tool → append its result, until the
    /// model ends its turn (or, `lineByLine`, its line) or a limit is reached.
    private func write(
        in session: any LanguageModelSession, run: inout PlannerRun, turn: inout Turn, deadline: Deadline,
        lineByLine: Bool, onEvent: @escaping @Sendable (AssistantEvent) -> Void
    ) async throws {
        let lineEnd = "\n"
        let stopStrings = run.stopStrings + (lineByLine ? [lineEnd] : [])
        loop: while true {
            if let limit = run.limitReached(options: options, deadline: deadline) {
                run.stoppedBy = limit
                break
            }
            // Let the model write until it opens (or, unconstrained, closes) a marker;
            // or, when a call failed and may be tried again, open it for the model.
            let outcome: GenerationOutcome
            var events: [MarkerStreamParser.Event]
            if let retry = run.retryTool {
                let opening = run.format.opening(for: retry)
                try await session.append(opening)
                outcome = GenerationOutcome(text: "", stopReason: .stopString(opening), tokenCount: 0)
                events = []
            } else {
                let guided = nextTextGuidance(run: run)
                let stream = MarkerStream(parser: run.parser, deadline: deadline, onEvent: onEvent)
                if !guided.start.isEmpty {
                    try await session.append(guided.start)
                    turn.text += guided.start
                    _ = stream.feed(guided.start)
                }
                let request = GenerationRequest(
                    maximumTokens: min(options.maximumTokens - run.generatedTokens, guided.maximumTokens ?? .max),
                    temperature: options.temperature, seed: options.seed &+ UInt64(run.steps.count),
                    stopStrings: stopStrings + guided.stopStrings,
                    constraint: guided.constraint)
                outcome = try await session.generate(request) { stream.feed($0) }
                (run.parser, events) = stream.take()
                run.generatedTokens += outcome.tokenCount
                turn.text += outcome.text
                if guided.endsAnswer, case .stopString(let stop) = outcome.stopReason, guided.stopStrings.contains(stop) {
                    // Text held back as the start of another stop string belongs to the answer.
                    let heldBack = String(outcome.text.dropFirst(stream.fedCount - guided.start.count))
                    if !heldBack.isEmpty { events += run.feed(heldBack, onEvent: onEvent) }
                    turn.text += stop
                    if guided.keepsStop { events += run.feed(stop, onEvent: onEvent) }
                    events += run.finish(onEvent: onEvent)
                    run.absorbText(events)
                    break loop
                }
            }

            switch outcome.stopReason {
            case .stopString(let marker):
                turn.text += marker
                events += run.feed(marker, onEvent: onEvent)
                if marker == lineEnd {
                    // Inside an open marker (code, unconstrained) a line goes on.
                    guard run.parser.openTool == nil, run.firstCall(in: events) == nil else { break }
                    run.absorbText(events)
                    turn.endedLine = true
                    break loop
                }
                if let tool = run.parser.openTool {
                    turn.text += try await writeInput(of: tool, in: session, run: &run, deadline: deadline, events: &events, onEvent: onEvent)
                }
                run.retryTool = nil
            case .endOfTurn, .maximumTokens, .contextFull:
                let openTool = run.parser.openTool
                events += run.finish(onEvent: onEvent)
                if let openTool {
                    // Close what the model left open, so the context stays well formed.
                    let closing = run.format.closing(for: openTool)
                    try await session.append(closing)
                    turn.text += closing
                }
            case .cancelled:
                break
            }
            run.absorbText(events)

            guard let call = run.firstCall(in: events).map({ withJSONArguments($0, turnText: turn.text, format: run.format) }) else {
                if lineByLine, case .stopString(lineEnd) = outcome.stopReason { continue }
                let limit = run.limitReached(options: options, deadline: deadline)
                switch outcome.stopReason {
                case .cancelled where !events.contains(.inventedResult):
                    run.stoppedBy = Task.isCancelled ? .cancellation : limit ?? (deadline.isStopped ? .stopRequest : .repetition)
                case .maximumTokens:
                    run.stoppedBy = limit
                default:
                    break
                }
                break loop
            }
            if run.steps.count >= options.maximumSteps {
                run.stoppedBy = .stepLimit(options.maximumSteps)
                break
            }
            if case .success(let toolCall) = call, run.steps.contains(where: { $0.tool == toolCall.tool && $0.input == toolCall.input }) {
                // The same call again would get the same result: the model is looping.
                break
            }
            switch call {
            case .success(let toolCall): onEvent(.toolStarted(tool: toolCall.tool, input: toolCall.input))
            case .failure(let malformed): onEvent(.toolStarted(tool: MarkerStreamParser.hermesMarkerName, input: malformed.text))
            }
            let step: AgentStep
            if case .success(let toolCall) = call, let problem = problemBeforeRunning(toolCall, run: run) {
                step = AgentStep(tool: toolCall.tool, input: toolCall.input, output: "error: \(problem)", ok: false, ms: 0)
            } else {
                step = try await perform(call, deadline: deadline)
            }
            run.steps.append(step)
            onEvent(.toolResult(step))
            // Tool output is data: a result can neither close itself nor open a call.
            let result = MarkerEscaping.escaping(
                Self.truncated(shownResult(of: step, run: &run), to: options.maximumResultCharacters), toolNames: tools.map(\.name))
            switch run.format {
            case .inline:
                let text = ToolCallFormat.inlineResult(result)
                try await session.append(text)
                turn.text += text
                run.retryTool = toolToRetry(after: step, run: run)
            case .hermes:
                let exchange = [Message(.assistant, turn.text), ConversationLayout.hermesResult(result)]
                turn.messages += exchange
                run.conversation += exchange
                turn.text = ""
                try await session.start(turn.messages, assistantPrefix: "", stablePrefix: turn.stablePrefix)
            }
        }
    }

    /// After an opening marker: the model writes the call's input, restricted to the
    /// tool's alphabet, up to the closing marker. Returns the text added to the turn.
    private func writeInput(
        of toolName: String, in session: any LanguageModelSession, run: inout PlannerRun, deadline: Deadline,
        events: inout [MarkerStreamParser.Event], onEvent: @escaping @Sendable (AssistantEvent) -> Void
    ) async throws -> String {
        let tool = tools.first { $0.name == toolName }
        tool?.prepare()
        let closing = run.format.closing(for: toolName)
        if let tool, let writer = schemaWriter(for: tool, run: run) {
            // JSON arguments: the planner lays out the object, the model writes the values.
            let written = try await writer.write(in: session, deadline: deadline)
            run.generatedTokens += written.tokens
            try await session.append(closing)
            events += run.feed(written.json + closing, onEvent: onEvent)
            return written.json + closing
        }
        var constraint: (any TokenConstraint)?
        if let tool, let alphabet = tool.inputAlphabet, let vocabulary = model.vocabulary {
            constraint = constraints.constraint(for: tool.name) {
                MarkerContentConstraint(vocabulary: vocabulary, alphabet: alphabet, closing: closing, maximumLength: tool.maximumInputLength)
            }
        }
        if let tool { constraint = inputConstraint(for: tool, closing: closing, narrowing: constraint, run: run) }
        let budget = min(options.maximumTokens - run.generatedTokens, (tool?.maximumInputLength ?? 4000) / 2 + 8)
        let retrying = run.retryTool != nil
        let start = inputStart(for: toolName, run: run)
        if !start.isEmpty { try await session.append(start) }
        let request = GenerationRequest(
            maximumTokens: max(budget, 1), temperature: retrying ? Self.retryTemperature : options.temperature,
            seed: options.seed &+ UInt64(run.steps.count), stopStrings: [closing], constraint: constraint)
        let outcome = try await session.generate(request) { _ in !deadline.timeIsUp }
        run.generatedTokens += outcome.tokenCount
        if case .stopString = outcome.stopReason {
            events += run.feed(start + outcome.text + closing, onEvent: onEvent)
            return start + outcome.text + closing
        }
        // Cut short (token or time limit, or the model ended its turn): close it.
        events += run.feed(start + outcome.text, onEvent: onEvent) + run.finish(onEvent: onEvent)
        try await session.append(closing)
        return start + outcome.text + closing
    }

    /// Runs a call; a missing tool, a malformed call or a tool's failure becomes a
    /// result the model reads. Only cancellation is thrown.
    private func perform(_ call: Result<ToolCall, MalformedCall>, deadline: Deadline) async throws -> AgentStep {
        let clock = ContinuousClock()
        let started = clock.now
        let toolCall: ToolCall
        switch call {
        case .failure(let malformed):
            return AgentStep(
                tool: MarkerStreamParser.hermesMarkerName, input: malformed.text,
                output: #"error: the tool call is not JSON of the form {"name": "…", "arguments": {"input": "…"}}"#, ok: false, ms: 0)
        case .success(let parsed):
            toolCall = parsed
        }
        guard let tool = tools.first(where: { $0.name == toolCall.tool }) else {
            let names = tools.map(\.name).joined(separator: ", ")
            return AgentStep(tool: toolCall.tool, input: toolCall.input, output: "error: there is no tool '\(toolCall.tool)'; the tools are \(names)", ok: false, ms: 0)
        }
        let context = ToolContext(outputDirectory: options.outputDirectory, deadline: deadline.limited(to: options.toolTimeout))
        let result: ToolResult
        do {
            result = try await tool.run(toolCall.input, context: context)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            result = ToolResult(text: "error: \(error)", ok: false)
        }
        let milliseconds = Int(((clock.now - started).inSeconds * 1000).rounded())
        return AgentStep(tool: tool.name, input: toolCall.input, output: result.text, ok: result.ok, ms: milliseconds, files: result.files)
    }

    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "\n[… \(text.count - limit) more characters cut]"
    }
}

/// The constraints a planner has built, by tool name; shared by its copies.
final class ConstraintCache: Sendable {
    private let built = Mutex<[String: MarkerContentConstraint]>([:])

    func constraint(for tool: String, build: () -> MarkerContentConstraint) -> MarkerContentConstraint {
        if let cached = built.withLock({ $0[tool] }) { return cached }
        let constraint = build()
        built.withLock { $0[tool] = constraint }
        return constraint
    }
}

/// A Hermes call whose JSON could not be read.
struct MalformedCall: Error {
    let text: String
}
