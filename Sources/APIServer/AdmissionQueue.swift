import Synchronization

/// Lets requests at the model one at a time (or `slots` at a time), first come
/// first served, with at most `capacity` waiting: the next one is refused at once
/// (503) instead of waiting without end.
///
/// A request is admitted when it arrives (`admit()`, which decides 503 before any
/// response is sent), then waits for its turn (`Ticket.wait()`); leaving the queue
/// (cancellation, the client gone) frees its place.
final class AdmissionQueue: Sendable {
    /// Requests that may use the model at once.
    let slots: Int
    /// Requests that may wait for a slot.
    let capacity: Int

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var running = 0
        /// Admitted and not finished: running, waiting, or between the two.
        var admitted = 0
        var waiting: [Waiter] = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    init(slots: Int = 1, capacity: Int) {
        precondition(slots >= 1 && capacity >= 0)
        self.slots = slots
        self.capacity = capacity
    }

    /// Requests running and waiting now.
    var load: (running: Int, waiting: Int) {
        state.withLock { ($0.running, $0.admitted - $0.running) }
    }

    /// Takes a place in the queue, or throws a 503 when it is full.
    func admit() throws(APIError) -> Ticket {
        let id: UInt64? = state.withLock { state in
            guard state.admitted < slots + capacity else { return nil }
            state.admitted += 1
            state.nextID += 1
            return state.nextID
        }
        guard let id else { throw .queueFull(waiting: capacity) }
        return Ticket(queue: self, id: id)
    }

    /// A place in the queue. `wait()` returns when it is this request's turn;
    /// `finish()` must follow every admission, whether it ran or not.
    final class Ticket: Sendable {
        private let queue: AdmissionQueue
        let id: UInt64
        private let phase = Mutex(Phase.admitted)

        enum Phase { case admitted, running, finished }

        init(queue: AdmissionQueue, id: UInt64) {
            self.queue = queue
            self.id = id
        }

        /// A ticket dropped unfinished (a response that was never written) gives its
        /// place back too.
        deinit {
            finish()
        }

        /// Waits for a slot (first come, first served); throws CancellationError when
        /// the task is cancelled while waiting.
        func wait() async throws {
            try await queue.acquire(id)
            phase.withLock { $0 = .running }
        }

        /// Gives back the slot (or the waiting place). Safe to call more than once.
        func finish() {
            let previous = phase.withLock { phase in
                defer { phase = .finished }
                return phase
            }
            switch previous {
            case .running: queue.release(running: true)
            case .admitted: queue.release(running: false)
            case .finished: break
            }
        }
    }

    private func acquire(_ id: UInt64) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.running < slots && state.waiting.isEmpty {
                        state.running += 1
                        return .success(())
                    }
                    state.waiting.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        } onCancel: {
            let removed = state.withLock { state -> Waiter? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index)
            }
            removed?.continuation.resume(throwing: CancellationError())
        }
    }

    private func release(running: Bool) {
        let next = state.withLock { state -> Waiter? in
            state.admitted -= 1
            guard running else { return nil }
            state.running -= 1
            guard state.running < slots, !state.waiting.isEmpty else { return nil }
            state.running += 1
            return state.waiting.removeFirst()
        }
        next?.continuation.resume()
    }
}
