import Synchronization

/// Turns for async callers, first come, first served: one caller holds the turn, the
/// others wait in the order they asked. An actor's methods suspend while they wait
/// for a tool or a model, and actors let another call in meanwhile; a queue keeps
/// such calls one at a time (one Python worker, one conversation).
///
///     await turns.acquire()
///     defer { turns.release() }
public final class TurnQueue: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    /// An empty queue: the first caller gets the turn at once.
    public init() {}

    /// Returns once it is this caller's turn.
    public func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.busy {
                    state.waiting.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if now { continuation.resume() }
        }
    }

    /// Ends the current turn and hands it to the next waiting caller, if any.
    public func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
