import AgentTools
import Synchronization

/// A call the search does not wait for past its deadline.
///
/// `Deadline.race` cancels a call that runs late, but as a task group it still
/// waits for the call to end, and an engine call that cannot be cancelled (a long
/// prompt evaluated in one pass on the model's serial queue, about 1.5 s for the
/// Game of 24 context with a cold prompt cache) keeps the search past its budget.
/// Here the call runs as a task of its own: at the deadline it is cancelled and
/// left to finish by itself, its result unused, and the search goes on at once.
enum BoundedCall {
    /// `body`'s result, or nil when `deadline` passes (or is stopped) first; an
    /// error `body` throws once the deadline has passed gives nil too.
    static func run<T: Sendable>(
        before deadline: Deadline, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        if deadline.isPast { return nil }
        let gate = Gate<T>()
        let work = Task {
            do {
                gate.resolve(with: Result<T?, any Error>.success(try await body()))
            } catch {
                gate.resolve(with: Result<T?, any Error>.failure(error))
            }
        }
        let watch = Task {
            // The first look after one interval: a call that ends at once is not cut
            // short by a clock that it moved itself on the way.
            repeat {
                try? await Task.sleep(for: Deadline.pollInterval)
            } while !deadline.isPast && !gate.isResolved && !Task.isCancelled
            if gate.resolve(with: Result<T?, any Error>.success(nil)) { work.cancel() }
        }
        let outcome = await withTaskCancellationHandler {
            await gate.wait()
        } onCancel: {
            gate.resolve(with: Result<T?, any Error>.failure(CancellationError()))
            work.cancel()
        }
        watch.cancel()
        switch outcome {
        case .success(let value): return value
        case .failure(let error):
            if error is CancellationError, !deadline.isPast { throw error }
            if deadline.isPast { return nil }
            throw error
        }
    }
}

/// The first outcome of a call, handed once to the one waiting for it.
private final class Gate<T: Sendable>: Sendable {
    private struct State {
        var outcome: Result<T?, any Error>?
        var waiter: CheckedContinuation<Result<T?, any Error>, Never>?
    }

    private let state = Mutex(State())

    var isResolved: Bool { state.withLock { $0.outcome != nil } }

    /// Sets the outcome unless one is set already; true when this call set it.
    @discardableResult
    func resolve(with outcome: Result<T?, any Error>) -> Bool {
        let waiter: CheckedContinuation<Result<T?, any Error>, Never>?? = state.withLock { state in
            guard state.outcome == nil else { return .none }
            state.outcome = outcome
            defer { state.waiter = nil }
            return .some(state.waiter)
        }
        guard let waiter else { return false }
        waiter?.resume(returning: outcome)
        return true
    }

    func wait() async -> Result<T?, any Error> {
        await withCheckedContinuation { continuation in
            let ready: Result<T?, any Error>? = state.withLock { state in
                if let outcome = state.outcome { return outcome }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
