import AgentTools
import Foundation
import Synchronization

/// The agent loop: the model writes; when it writes a tool-call marker the tool
/// runs and its result is appended; the model continues until it answers.
///
/// Inside a marker the model's next tokens are restricted to the tool's alphabet
/// (when the model allows constraints), so even a small model writes calls that
/// parse. A tool's error goes back to the model as its result. Limits on steps,
/// tokens and time always end in an answer: the best so far, marked as such.
public struct Planner: Sendable {
    public let model: any LanguageModel
    /// The tools the model may call (none: a plain chat).
    public let tools: [any Tool]
    public let layout: ConversationLayout
    public var options: PlannerOptions
    /// Each tool's input constraint, built once for the planner's model (a pass over
    /// its whole vocabulary) and kept for every question after.
    private let constraints = ConstraintCache()

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
    /// if nil). `onEvent` receives answer text and tool activity as they happen.
    public func answer(
        _ question: String, history: [Message] = [], session existing: (any LanguageModelSession)? = nil,
        onEvent: @escaping @Sendable (PlannerEvent) -> Void = { _ in }
    ) async throws -> AgentAnswer {
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started + options.timeLimit
        let preamble = try layout.preamble(tools: tools, format: format, question: question)
        let session: any LanguageModelSession
        if let given = existing {
            session = given
        } else {
            session = try await model.makeSession()
        }
        let usageBefore = await session.usage
        var messages = preamble + history + [Message(.user, question)]
        try await session.start(messages, assistantPrefix: "", stablePrefix: preamble.count)

        var run = PlannerRun(format: format, tools: tools, constrained: format == .inline && model.vocabulary != nil)
        var turn = ""
        loop: while true {
            if let limit = run.limitReached(options: options, now: clock.now, deadline: deadline) {
                run.stoppedBy = limit
                break
            }
            // Let the model write until it opens (or, unconstrained, closes) a marker.
            let stream = MarkerStream(parser: run.parser, deadline: deadline, onEvent: onEvent)
            let request = GenerationRequest(
                maximumTokens: options.maximumTokens - run.generatedTokens, temperature: options.temperature,
                seed: options.seed &+ UInt64(run.steps.count), stopStrings: run.stopStrings)
            let outcome = try await session.generate(request) { stream.feed($0) }
            var events: [MarkerStreamParser.Event]
            (run.parser, events) = stream.take()
            run.generatedTokens += outcome.tokenCount
            turn += outcome.text

            switch outcome.stopReason {
            case .stopString(let marker):
                turn += marker
                events += run.feed(marker, onEvent: onEvent)
                if let tool = run.parser.openTool {
                    turn += try await writeInput(of: tool, in: session, run: &run, deadline: deadline, events: &events, onEvent: onEvent)
                }
            case .endOfTurn, .maximumTokens, .contextFull:
                let openTool = run.parser.openTool
                events += run.finish(onEvent: onEvent)
                if let openTool {
                    // Close what the model left open, so the context stays well formed.
                    let closing = format.closing(for: openTool)
                    try await session.append(closing)
                    turn += closing
                }
            case .cancelled:
                break
            }
            run.absorbText(events)

            guard let call = run.firstCall(in: events) else {
                let limit = run.limitReached(options: options, now: clock.now, deadline: deadline)
                switch outcome.stopReason {
                case .cancelled where !events.contains(.inventedResult):
                    run.stoppedBy = Task.isCancelled ? "cancellation" : limit ?? "repetition (the model was writing the same line again and again)"
                case .maximumTokens:
                    run.stoppedBy = limit
                default:
                    break
                }
                break loop
            }
            if run.steps.count >= options.maximumSteps {
                run.stoppedBy = "the step limit (\(options.maximumSteps))"
                break
            }
            if case .success(let toolCall) = call, run.steps.contains(where: { $0.tool == toolCall.tool && $0.input == toolCall.input }) {
                // The same call again would get the same result: the model is looping.
                break
            }
            let step = try await perform(call, deadline: deadline)
            run.steps.append(step)
            onEvent(.toolFinished(step))
            let result = Self.truncated(step.output, to: options.maximumResultCharacters)
            switch format {
            case .inline:
                let text = ToolCallFormat.inlineResult(result)
                try await session.append(text)
                turn += text
            case .hermes:
                let exchange = [Message(.assistant, turn), ConversationLayout.hermesResult(result)]
                messages += exchange
                run.conversation += exchange
                turn = ""
                try await session.start(messages, assistantPrefix: "", stablePrefix: preamble.count)
            }
        }

        let usage = await session.usage - usageBefore
        run.conversation.append(Message(.assistant, turn))
        return AgentAnswer(
            answer: run.finalAnswer, mode: "fast", steps: run.steps, files: run.steps.flatMap(\.files), tokens: usage,
            seconds: (clock.now - started).inSeconds, stoppedBy: run.stoppedBy,
            conversation: [Message(.user, question)] + run.conversation)
    }

    /// After an opening marker: the model writes the call's input, restricted to the
    /// tool's alphabet, up to the closing marker. Returns the text added to the turn.
    private func writeInput(
        of toolName: String, in session: any LanguageModelSession, run: inout PlannerRun, deadline: ContinuousClock.Instant,
        events: inout [MarkerStreamParser.Event], onEvent: @escaping @Sendable (PlannerEvent) -> Void
    ) async throws -> String {
        let tool = tools.first { $0.name == toolName }
        tool?.prepare()
        let closing = format.closing(for: toolName)
        var constraint: (any TokenConstraint)?
        if let tool, let alphabet = tool.inputAlphabet, let vocabulary = model.vocabulary {
            constraint = constraints.constraint(for: tool.name) {
                MarkerContentConstraint(vocabulary: vocabulary, alphabet: alphabet, closing: closing, maximumLength: tool.maximumInputLength)
            }
        }
        let budget = min(options.maximumTokens - run.generatedTokens, (tool?.maximumInputLength ?? 4000) / 2 + 8)
        let request = GenerationRequest(
            maximumTokens: max(budget, 1), temperature: options.temperature, seed: options.seed, stopStrings: [closing],
            constraint: constraint)
        let outcome = try await session.generate(request) { _ in ContinuousClock.now < deadline }
        run.generatedTokens += outcome.tokenCount
        if case .stopString = outcome.stopReason {
            events += run.feed(outcome.text + closing, onEvent: onEvent)
            return outcome.text + closing
        }
        // Cut short (token or time limit, or the model ended its turn): close it.
        events += run.feed(outcome.text, onEvent: onEvent) + run.finish(onEvent: onEvent)
        try await session.append(closing)
        return outcome.text + closing
    }

    /// Runs a call; a missing tool, a malformed call or a tool's failure becomes a
    /// result the model reads. Only cancellation is thrown.
    private func perform(_ call: Result<ToolCall, MalformedCall>, deadline: ContinuousClock.Instant) async throws -> AgentStep {
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
        let context = ToolContext(outputDirectory: options.outputDirectory, deadline: min(started + options.toolTimeout, deadline))
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
