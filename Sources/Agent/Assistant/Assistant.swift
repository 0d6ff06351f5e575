import AgentTools
import Foundation

/// A conversation with a model and its tools: the one object every front end (the
/// terminal's `ask` and `chat`, the server's `ponder-agent`, a program using the
/// library) drives.
///
/// It owns the planner (model, tools, limits), the deliberation policy, the
/// conversation's history and its trimming, the model session that keeps the
/// evaluated context between turns, and the Python session's lifetime. A question
/// is answered as an `AsyncThrowingStream` of `AssistantEvent`s ending in `.answer`;
/// cancelling the task that reads the stream stops generation. Turns run one at a
/// time, in the order they were asked.
///
///     let assistant = Assistant(model: model, toolbox: .standard(settings), prompts: prompts)
///     for try await event in assistant.ask("What is 24*78?") {
///         if case .text(let text) = event { print(text, terminator: "") }
///     }
///     await assistant.close()
public actor Assistant {
    /// The model that writes the answers.
    public nonisolated let model: any LanguageModel
    /// The tools offered while `toolsEnabled`.
    public nonisolated let toolbox: Toolbox
    /// The prompts the conversation is laid out with.
    public nonisolated let prompts: PromptLibrary
    /// When to think before answering.
    public nonisolated let deliberation: DeliberationPolicy
    /// Earlier turns kept in the context (questions, answers, tool results); older
    /// turns are dropped first, and a kept history starts with a question.
    public let maximumHistoryMessages: Int
    /// The conversation so far (the messages of earlier turns).
    public private(set) var history: [Message]
    /// Whether the model is offered its tools.
    public private(set) var toolsEnabled: Bool
    /// Limits and sampling of each answer.
    public private(set) var options: PlannerOptions
    private var planner: Planner
    private var session: (any LanguageModelSession)?
    /// One turn at a time: a turn (or a reset) holds it; the others wait here.
    private let turns = TurnQueue()

    /// A chat keeps 24 messages of history: enough for several turns with tool
    /// results, little enough for a small model's context.
    public static let defaultMaximumHistoryMessages = 24

    /// An assistant over `model` with `toolbox`'s tools, starting after `history`.
    public init(
        model: any LanguageModel, toolbox: Toolbox, prompts: PromptLibrary, options: PlannerOptions = PlannerOptions(),
        deliberation: DeliberationPolicy = DeliberationPolicy(), history: [Message] = [], toolsEnabled: Bool = true,
        maximumHistoryMessages: Int = Assistant.defaultMaximumHistoryMessages
    ) {
        self.model = model
        self.toolbox = toolbox
        self.prompts = prompts
        self.options = options
        self.deliberation = deliberation
        self.history = history
        self.toolsEnabled = toolsEnabled
        self.maximumHistoryMessages = maximumHistoryMessages
        planner = Self.planner(model: model, tools: toolsEnabled ? toolbox.tools : [], prompts: prompts, options: options)
    }

    /// The planner the next fast answer runs (its tools as `toolsEnabled` says).
    public var currentPlanner: Planner { planner }

    /// Answers `question` after the conversation so far, reporting as it goes.
    ///
    /// - Parameters:
    ///   - thinking: a search budget for this question alone (chat's `/think`); nil
    ///     leaves the choice to the deliberation policy.
    ///   - deadline: when the turn must end, besides the limits of `options` and the
    ///     search's budget; stopping it asks for the best answer so far (Ctrl-C in
    ///     deliberate mode).
    /// - Returns: the events of the turn, the last one `.answer`. The stream ends
    ///   early, without `.answer`, when the reading task is cancelled; it throws
    ///   what the model or the prompts threw.
    public nonisolated func ask(
        _ question: String, thinking: Duration? = nil, deadline: Deadline = .unlimited()
    ) -> AsyncThrowingStream<AssistantEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<AssistantEvent, any Error>.makeStream()
        let turn = Task {
            do {
                _ = try await self.answer(question, thinking: thinking, deadline: deadline) { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in turn.cancel() }
        return stream
    }

    /// Answers `question` and returns the answer, without reporting (a stream read to its end).
    public func answer(_ question: String, thinking: Duration? = nil) async throws -> AgentAnswer {
        try await answer(question, thinking: thinking, deadline: .unlimited()) { _ in }
    }

    /// Forgets the conversation: the history, the model's evaluated context and the
    /// Python session's variables.
    public func reset() async throws {
        await turns.acquire()
        defer { turns.release() }
        history = []
        session = nil
        if let python = toolbox.python { _ = try await python.reset() }
    }

    /// Offers the tools, or not, from the next question on.
    public func setToolsEnabled(_ enabled: Bool) async {
        await turns.acquire()
        defer { turns.release() }
        toolsEnabled = enabled
        planner = Self.planner(model: model, tools: enabled ? toolbox.tools : [], prompts: prompts, options: options)
    }

    /// Ends the Python session's worker; call once the conversation is over.
    public func close() async {
        await toolbox.stop()
    }

    private func answer(
        _ question: String, thinking: Duration?, deadline: Deadline, emit: @escaping @Sendable (AssistantEvent) -> Void
    ) async throws -> AgentAnswer {
        await turns.acquire()
        defer { turns.release() }
        let answer: AgentAnswer
        if let budget = deliberation.budget(for: question, requested: thinking) {
            let mode = deliberation.mode(planner: planner, budget: budget)
            answer = try await mode.answer(question, history: history, deadline: deadline) { emit(.progress($0)) }
        } else if let direct = try await deliberation.directAnswer(question, planner: planner, deadline: deadline) {
            // A special task's question (the Game of 24): one chain of the model's likeliest moves.
            answer = direct
        } else {
            let session = try await currentSession()
            answer = try await planner.answer(question, history: history, session: session, deadline: deadline, onEvent: emit)
        }
        remember(answer)
        if let reason = answer.stoppedBy { emit(.stopped(reason)) }
        emit(.answer(answer))
        return answer
    }

    /// The session that holds the conversation's evaluated context (made on first use).
    private func currentSession() async throws -> any LanguageModelSession {
        if let session { return session }
        let made = try await model.makeSession()
        session = made
        return made
    }

    /// Adds the turn to the history, dropping the oldest messages past the limit; a
    /// cut history starts with a question.
    private func remember(_ answer: AgentAnswer) {
        var kept = Array((history + answer.conversation).suffix(maximumHistoryMessages))
        while let first = kept.first, first.role != .user { kept.removeFirst() }
        history = kept
    }

    private static func planner(model: any LanguageModel, tools: [any Tool], prompts: PromptLibrary, options: PlannerOptions) -> Planner {
        Planner(model: model, tools: tools, layout: ConversationLayout(prompts: prompts), options: options)
    }
}
