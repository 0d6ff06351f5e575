import Agent
import AgentTools
import Foundation

/// The agent behind the `ask` tool, made at its first question: `tools/list` and the
/// other tools answer at once, and only a client that asks pays for loading the model.
///
/// Every question is answered on its own (the conversation is reset first: an MCP
/// client sends the whole question each time), one at a time, in order of arrival.
public actor AgentHost {
    /// Makes the assistant: loads the model and lays out the prompts. It runs on a
    /// thread of its own (reading a model file is blocking work).
    public typealias Load = @Sendable () throws -> Assistant

    private let load: Load
    private var loading: Task<Assistant, any Error>?
    private var loaded: Assistant?
    private let turns = TurnQueue()

    /// A host that makes its assistant with `load` when first asked.
    public init(load: @escaping Load) {
        self.load = load
    }

    /// The assistant, made now if this is the first call (a failed load is tried again next time).
    public func assistant() async throws -> Assistant {
        if let loaded { return loaded }
        if let loading { return try await loading.value }
        let load = self.load
        let task = Task { try await Self.offThePool(load) }
        loading = task
        do {
            let assistant = try await task.value
            loaded = assistant
            loading = nil
            return assistant
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

    /// Ends the assistant's Python worker, if the assistant was made.
    public func close() async {
        await loaded?.close()
    }

    /// Runs `load` on a new thread and waits for it without holding a thread of the pool.
    private static func offThePool(_ load: @escaping Load) async throws -> Assistant {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try load() }) }
            thread.name = "ponder-mcp-model-load"
            thread.start()
        }
    }
}
