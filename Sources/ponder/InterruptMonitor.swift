import Dispatch
import Foundation
import Synchronization

/// Ctrl-C while Ponder works: it stops the answer being written (or asks a search
/// to answer with the best so far), not the program; a second Ctrl-C during the
/// same answer quits. At a chat's prompt, a second Ctrl-C within two seconds quits.
final class InterruptMonitor: @unchecked Sendable {
    private struct State {
        var running: Task<Void, Never>?
        var interrupt: (@Sendable () -> Void)?
        var interruptedRun = false
        var lastAtPrompt: ContinuousClock.Instant?
    }

    private enum Action {
        case stop(Task<Void, Never>, (@Sendable () -> Void)?)
        case quit
        case warn
    }

    private let state = Mutex(State())
    /// Kept alive for the monitor's lifetime; set up once in `init`.
    private let source: DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.interrupted() }
        source.resume()
    }

    /// Ctrl-C now calls `interrupt` (or, without one, cancels `task`), until `finished()`.
    func running(_ task: Task<Void, Never>, interrupt: (@Sendable () -> Void)? = nil) {
        state.withLock {
            $0.running = task
            $0.interrupt = interrupt
            $0.interruptedRun = false
        }
    }

    func finished() {
        state.withLock {
            $0.running = nil
            $0.interrupt = nil
        }
    }

    private func interrupted() {
        let action: Action = state.withLock { state in
            if let task = state.running {
                if state.interruptedRun { return .quit }
                state.interruptedRun = true
                return .stop(task, state.interrupt)
            }
            let now = ContinuousClock.now
            defer { state.lastAtPrompt = now }
            if let last = state.lastAtPrompt, now - last < .seconds(2) { return .quit }
            return .warn
        }
        switch action {
        case .stop(_, let interrupt?):
            interrupt()
        case .stop(let task, nil):
            task.cancel()
        case .quit:
            FileHandleOutput.writeToStandardError("\n")
            exit(130)
        case .warn:
            FileHandleOutput.writeToStandardError("\n(Ctrl-C again to quit, or /quit)\n")
        }
    }
}
