import Dispatch
import Foundation
import Synchronization

/// Ctrl-C in an interactive session: it stops the answer being written, not the
/// program. At the prompt, a second Ctrl-C within two seconds quits.
final class InterruptMonitor: @unchecked Sendable {
    private struct State {
        var running: Task<Void, Never>?
        var lastAtPrompt: ContinuousClock.Instant?
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

    /// Ctrl-C now cancels `task`, until `finished()`.
    func running(_ task: Task<Void, Never>) {
        state.withLock { $0.running = task }
    }

    func finished() {
        state.withLock { $0.running = nil }
    }

    private func interrupted() {
        let action: (Task<Void, Never>?, Bool) = state.withLock { state in
            if let task = state.running { return (task, false) }
            let now = ContinuousClock.now
            defer { state.lastAtPrompt = now }
            if let last = state.lastAtPrompt, now - last < .seconds(2) { return (nil, true) }
            return (nil, false)
        }
        switch action {
        case (let task?, _):
            task.cancel()
        case (nil, true):
            FileHandleOutput.writeToStandardError("\n")
            exit(130)
        case (nil, false):
            FileHandleOutput.writeToStandardError("\n(Ctrl-C again to quit, or /quit)\n")
        }
    }
}
