import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How a worker process ended, as the host saw it.
enum WorkerEnd: Equatable, Sendable {
    /// It exited with this status (`os._exit`, or a failure of the worker itself).
    case exited(Int32)
    /// A signal ended it: a crash (SIGSEGV), the CPU limit (SIGXCPU), SIGKILL.
    case signalled(Int32)
    /// It closed its socket but kept running, so it was killed.
    case closedConnection
    /// It sent something that is not a frame of the protocol, so it was killed.
    case brokeProtocol(String)
}

/// How waiting for a worker's answer ended.
enum WorkerOutcome<Answer: Sendable>: Sendable {
    case answer(Answer)
    /// The deadline passed; the worker was killed.
    case deadlinePassed
    /// The waiting task was cancelled; the worker was killed.
    case cancelled
    /// The worker ended (or broke the protocol) before answering.
    case ended(WorkerEnd)
}

/// Set by a task's cancellation handler, read by the thread that waits for the worker.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// One worker process as the host owns it: the spawned process, the host's end of its
/// socket, and the last bytes it wrote to its diagnostics pipe. The waiting methods
/// block their thread; the runner calls them on threads of their own, one at a time.
final class WorkerProcess: @unchecked Sendable {
    /// The worker's pid, which is also its process group's id.
    let pid: Int32
    private let process: Process
    private let socket: Int32
    private let exit = ExitWatch()
    private let diagnostics: DiagnosticsTail
    /// Bytes received but not yet framed; only the one waiting thread touches it.
    private var buffer = FrameBuffer()

    /// Starts `command` (the worker) in `directory` with `environment`, and sends it its
    /// set-up; returns at once, before the worker is ready.
    init(command: [String], environment: [String: String], directory: String, setup: WorkerSetup) throws(PythonToolError) {
        guard let executable = command.first else { throw .cannotStart("the worker command is empty") }
        // Both close-on-exec from the start, so no other program spawned meanwhile
        // inherits them; the spawn gives the worker its copies as descriptors 0, 1, 2.
        let streamType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, streamType, 0, &pair) == 0 else {
            throw .cannotStart("socketpair failed (errno \(errno))")
        }
        var diagnosticsPair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, streamType, 0, &diagnosticsPair) == 0 else {
            close(pair[0]); close(pair[1])
            throw .cannotStart("socketpair failed (errno \(errno))")
        }
        // The worker's ends are closed here once it has them, so that its death reads
        // as end-of-file on ours.
        defer { close(pair[1]); close(diagnosticsPair[1]) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.dropFirst())
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory, isDirectory: true)
        process.standardInput = FileHandle(fileDescriptor: pair[1], closeOnDealloc: false)
        let diagnosticsEnd = FileHandle(fileDescriptor: diagnosticsPair[1], closeOnDealloc: false)
        process.standardOutput = diagnosticsEnd
        process.standardError = diagnosticsEnd
        let exit = self.exit
        process.terminationHandler = { process in
            exit.record(process.terminationReason == .uncaughtSignal
                ? .signalled(process.terminationStatus) : .exited(process.terminationStatus))
        }
        do {
            try process.run()
        } catch {
            close(pair[0]); close(diagnosticsPair[0])
            throw .cannotStart("\(executable): \(error.localizedDescription)")
        }
        self.process = process
        self.pid = process.processIdentifier
        self.socket = pair[0]
        self.diagnostics = DiagnosticsTail(reading: diagnosticsPair[0])
        // A few hundred bytes: the socket's buffer takes them without waiting.
        if let frame = try? WorkerFrame.encode(setup) { _ = SocketIO.sendAll(socket, frame) }
    }

    deinit {
        kill()
        close(socket)
    }

    /// Whether the process has not been seen to end.
    var isRunning: Bool { exit.end == nil }

    /// How the process ended, once it has.
    var ending: WorkerEnd? { exit.end }

    /// Waits for the worker's first frame, which says whether it started.
    func waitUntilReady(deadline: ContinuousClock.Instant, cancellation: CancellationFlag) -> WorkerOutcome<WorkerReady> {
        receive(WorkerReady.self, deadline: deadline, cancellation: cancellation)
    }

    /// Sends `request` and waits for its reply.
    func exchange(
        _ request: WorkerRequest, deadline: ContinuousClock.Instant, cancellation: CancellationFlag
    ) -> WorkerOutcome<WorkerReply> {
        var request = request
        let token = UUID().uuidString
        request.token = token
        guard let frame = try? WorkerFrame.encode(request) else { return .ended(.brokeProtocol("unencodable request")) }
        // A large program could fill the socket's buffer while the worker is busy; a
        // waiting thread can afford to wait, and a dead worker makes the send fail.
        guard SocketIO.sendAll(socket, frame) else { return .ended(endAfterClose()) }
        switch receive(WorkerReplyEnvelope.self, deadline: deadline, cancellation: cancellation) {
        case .answer(let envelope) where envelope.token == token:
            return .answer(envelope.reply)
        case .answer:
            // Only the code can have written it: the worker's own reply carries the token.
            killAndWait()
            return .ended(.brokeProtocol("a reply that does not carry the request's token (written by the code itself?)"))
        case .deadlinePassed: return .deadlinePassed
        case .cancelled: return .cancelled
        case .ended(let end): return .ended(end)
        }
    }

    /// Kills the worker and everything in its process group (SIGKILL cannot be caught).
    func kill() {
        // Once reaped, the pid may belong to another process.
        if exit.end != nil { return }
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// The last lines the worker wrote to its standard error (for start-up failures),
    /// once the pipe is drained (or after a second).
    var diagnosticsTail: String { diagnostics.text(waitingUntil: .now() + 1) }

    private func receive<Answer: Decodable & Sendable>(
        _ type: Answer.Type, deadline: ContinuousClock.Instant, cancellation: CancellationFlag
    ) -> WorkerOutcome<Answer> {
        switch SocketIO.receive(socket, buffer: &buffer, deadline: deadline, isCancelled: { cancellation.isCancelled }) {
        case .frame(let body):
            guard let answer = try? WorkerFrame.decode(type, from: body) else {
                killAndWait()
                return .ended(.brokeProtocol("an unreadable message of \(body.count) bytes"))
            }
            return .answer(answer)
        case .closed:
            return .ended(endAfterClose())
        case .deadlinePassed:
            killAndWait()
            return .deadlinePassed
        case .cancelled:
            killAndWait()
            return .cancelled
        case .broken(let what):
            killAndWait()
            return .ended(.brokeProtocol(what))
        }
    }

    /// How the worker ended once its socket closed: its exit status or signal, or, if it
    /// is still running a moment later, killed as a worker that hung up.
    private func endAfterClose() -> WorkerEnd {
        if let end = exit.wait(until: .now() + 2) { return end }
        killAndWait()
        return .closedConnection
    }

    private func killAndWait() {
        kill()
        _ = exit.wait(until: .now() + 5)
    }
}

/// The worker's end as Foundation reports it (on its own thread), for the threads
/// that wait for it.
private final class ExitWatch: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let recorded = Mutex<WorkerEnd?>(nil)

    func record(_ end: WorkerEnd) {
        recorded.withLock { $0 = end }
        semaphore.signal()
    }

    var end: WorkerEnd? { recorded.withLock { $0 } }

    /// How the process ended, waiting for it until `deadline`; nil if it is still running.
    func wait(until deadline: DispatchTime) -> WorkerEnd? {
        if let end { return end }
        guard semaphore.wait(timeout: deadline) == .success else { return nil }
        semaphore.signal()  // for any later waiter
        return end
    }
}

/// Drains a worker's standard error on its own thread (the worker would block on a full
/// pipe), keeping the last few kilobytes.
final class DiagnosticsTail: @unchecked Sendable {
    private static let keep = 4096
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private let drained = DispatchSemaphore(value: 0)

    init(reading descriptor: Int32) {
        let thread = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                lock.withLock {
                    bytes.append(contentsOf: chunk[..<count])
                    if bytes.count > 2 * Self.keep { bytes.removeFirst(bytes.count - Self.keep) }
                }
            }
            close(descriptor)
            drained.signal()
        }
        thread.stackSize = 1 << 18
        thread.start()
    }

    /// The kept bytes as text, once the writer has closed the pipe or `deadline` passed.
    func text(waitingUntil deadline: DispatchTime) -> String {
        if drained.wait(timeout: deadline) == .success { drained.signal() }
        return lock.withLock { String(decoding: bytes.suffix(Self.keep), as: UTF8.self) }
    }
}
