import Agent
import AgentTools
import Foundation

/// The agent behind the `ask` tool, made at its first question: `tools/list` and the
/// other tools answer at once, and only a client that asks pays for loading the model.
///
/// Every question is answered on its own (the conversation is reset first: an MCP
/// client sends the whole question each time), one at a time, in order of arrival.
public actor AgentHost {
    /// An assistant made for the host, and what to do when the host closes (e.g. stop
    /// the MCP servers whose tools it was given).
    public struct LoadedAgent: Sendable {
        /// The assistant that answers.
        public var assistant: Assistant
        /// Runs once when the host closes, after the assistant's own `close()`.
        public var close: @Sendable () async -> Void

        /// `assistant`, with `close` to run at the end.
        public init(assistant: Assistant, close: @escaping @Sendable () async -> Void = {}) {
            self.assistant = assistant
            self.close = close
        }
    }

    /// Makes the agent: loads the model (blocking work: run it with `offThePool`) and
    /// lays out the prompts.
    public typealias Load = @Sendable () async throws -> LoadedAgent

    private let load: Load
    private var loading: Task<LoadedAgent, any Error>?
    private var loaded: LoadedAgent?
    private let turns = TurnQueue()

    /// A host that makes its agent with `load` when first asked.
    public init(load: @escaping Load) {
        self.load = load
    }

    /// A host whose assistant `load` makes on a thread of its own (reading a model file is blocking work).
    public init(loadingOffThePool load: @escaping @Sendable () throws -> Assistant) {
        self.load = { LoadedAgent(assistant: try await AgentHost.offThePool(load)) }
    }

    /// The assistant, made now if this is the first call (a failed load is tried again next time).
    public func assistant() async throws -> Assistant {
        if let loaded { return loaded.assistant }
        if let loading { return try await loading.value.assistant }
        let load = self.load
        let task = Task { try await load() }
        loading = task
        do {
            let agent = try await task.value
            loaded = agent
            loading = nil
            return agent.assistant
        } catch {
            loading = nil
            throw error
        }
    }

    /// Answers `question` afresh (after resetting the conversation), thinking for
    /// `thinking` if given, and passes every event to `onEvent` as it comes.
    /// Throws what the model threw, or `CancellationError` when the caller's task is cancelled.
    public func answer(
        _ question: String, thinking: Duration?, onEvent: @Sendable (AssistantEvent) async -> Void
    ) async throws -> AgentAnswer {
        let assistant = try await assistant()
        await turns.acquire()
        defer { turns.release() }
        try await assistant.reset()
        var answer: AgentAnswer?
        for try await event in assistant.ask(question, thinking: thinking) {
            await onEvent(event)
            if case .answer(let final) = event { answer = final }
        }
        guard let answer else { throw CancellationError() }
        return answer
    }

    /// Ends the assistant's Python worker and runs the agent's `close`, if it was made.
    public func close() async {
        guard let loaded else { return }
        await loaded.assistant.close()
        await loaded.close()
    }

    /// Runs `body` on a new thread and waits for it without holding a thread of the pool.
    public static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = "ponder-mcp-load"
            thread.start()
        }
    }
}
