import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An MCP server's process as Ponder owns it: its standard input and output are one
/// end of a socket pair (so a write to a server that died is an error, never a
/// SIGPIPE), its standard error is a pipe whose last lines are kept for messages.
///
/// Every blocking read, write and wait happens on a thread of its own, never on the
/// cooperative pool. `stop()` ends the server as the MCP specification asks: its
/// input is closed, then SIGTERM, then SIGKILL, to its whole process group.
final class ServerProcess: @unchecked Sendable {
    /// The command line, for messages.
    let commandLine: ServerCommandLine
    /// The process's id, which is also its process group's.
    let pid: Int32
    /// Lines the server writes on standard output (JSON-RPC messages); the stream
    /// ends when the server closes it (or dies).
    let lines: AsyncStream<Data>
    private let process: Process
    private let socket: Int32
    private let ending = EndRecord()
    private let stopped = Atomic<Bool>(false)
    private let errorTail: StandardErrorTail
    private let writes = DispatchQueue(label: "ponder.mcp.server-input")

    /// How long a server may take to exit after its input closes, and then after
    /// SIGTERM, before the next step.
    static let exitGrace = Duration.seconds(2)

    /// Starts `commandLine` with `environment`; throws when the program cannot be found
    /// or spawned.
    init(_ commandLine: ServerCommandLine, environment: [String: String] = ProcessInfo.processInfo.environment) throws(MCPClientError) {
        self.commandLine = commandLine
        guard let executable = commandLine.executable(path: environment["PATH"]) else {
            throw .commandNotFound(commandLine.program)
        }
        let streamType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, streamType, 0, &pair) == 0 else {
            throw .startFailed(server: commandLine.program, detail: "socketpair failed (errno \(errno))")
        }
        var errorPipe: [Int32] = [-1, -1]
        guard pipe(&errorPipe) == 0, fcntl(errorPipe[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(errorPipe[1], F_SETFD, FD_CLOEXEC) == 0 else {
            close(pair[0]); close(pair[1])
            throw .startFailed(server: commandLine.program, detail: "pipe failed (errno \(errno))")
        }
        // The server's ends are closed here once it has them, so that its death reads
        // as end-of-file on ours.
        defer { close(pair[1]); close(errorPipe[1]) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = commandLine.arguments
        process.environment = environment
        let serverEnd = FileHandle(fileDescriptor: pair[1], closeOnDealloc: false)
        process.standardInput = serverEnd
        process.standardOutput = serverEnd
        process.standardError = FileHandle(fileDescriptor: errorPipe[1], closeOnDealloc: false)
        let ending = self.ending
        process.terminationHandler = { process in
            let status = process.terminationStatus
            let text = process.terminationReason == .uncaughtSignal ? "it was ended by signal \(status)" : "it exited with status \(status)"
            ending.record(text)
        }
        do {
            try process.run()
        } catch {
            close(pair[0]); close(errorPipe[0])
            throw .startFailed(server: commandLine.program, detail: "\(executable): \(error.localizedDescription)")
        }
        self.process = process
        pid = process.processIdentifier
        socket = pair[0]
        errorTail = StandardErrorTail(reading: errorPipe[0])
        let (lines, continuation) = AsyncStream.makeStream(of: Data.self)
        self.lines = lines
        let socket = pair[0]
        let reader = Thread {
            Self.readLines(from: socket, into: continuation)
        }
        reader.name = "ponder.mcp.server-output"
        reader.start()
        ServerProcessRegistry.shared.register(pid)
    }

    deinit {
        if !stopped.load(ordering: .relaxed) {
            Glibc.kill(-pid, SIGKILL)
            ServerProcessRegistry.shared.unregister(pid)
        }
        close(socket)
    }

    /// Reads newline-separated messages until end-of-file; blocks its thread.
    private static func readLines(from socket: Int32, into continuation: AsyncStream<Data>.Continuation) {
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[pending.index(after: newline)...])
                if !line.isEmpty { continuation.yield(Data(line)) }
            }
        }
        continuation.finish()
    }

    /// Writes `message` and a newline to the server's input, on a thread of its own.
    func send(_ message: Data) async throws(MCPClientError) {
        var message = message
        message.append(UInt8(ascii: "\n"))
        let framed = message
        let socket = self.socket
        let written: Bool = await withCheckedContinuation { continuation in
            writes.async {
                continuation.resume(returning: Self.sendAll(socket, framed))
            }
        }
        guard written else { throw .serverExited(server: commandLine.program, detail: endDescription()) }
    }

    private static func sendAll(_ socket: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let sent = Glibc.send(socket, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0, errno == EINTR { continue }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }

    /// Whether the process has not been seen to end.
    var isRunning: Bool { ending.text == nil }

    /// How the server ended, with the last lines it wrote to standard error: for messages.
    func endDescription() -> String {
        let end = ending.text ?? "it closed its output"
        let tail = errorTail.text
        return tail.isEmpty ? end + " (it wrote nothing to standard error)" : end + "; its last words on standard error:\n" + tail
    }

    /// The last lines the server wrote to standard error.
    var standardErrorTail: String { errorTail.text }

    /// Ends the server: closes its input (a well-behaved server exits), then after a
    /// grace period SIGTERM, then SIGKILL, to its process group. Returns once it has
    /// ended; waits on a thread of its own.
    func stop() async {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        let pid = self.pid
        let socket = self.socket
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                shutdown(socket, Int32(SHUT_RDWR))
                for signal in [Int32(0), SIGTERM, SIGKILL] {
                    if signal != 0 { Glibc.kill(-pid, signal) }
                    if self.waitForExit(within: Self.exitGrace) { break }
                }
                ServerProcessRegistry.shared.unregister(pid)
                continuation.resume()
            }.start()
        }
    }

    /// Blocks until the process has ended or `limit` has passed; whether it ended.
    private func waitForExit(within limit: Duration) -> Bool {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end {
            if !isRunning { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return !isRunning
    }
}

/// The last few lines a server wrote to standard error, read on a thread of its own
/// (so the server never blocks on a full pipe).
final class StandardErrorTail: Sendable {
    private let kept = Mutex<[UInt8]>([])
    /// How much of the end is kept, in bytes.
    static let limit = 2000

    init(reading descriptor: Int32) {
        let reader = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                self.kept.withLock { bytes in
                    bytes.append(contentsOf: buffer[0..<count])
                    if bytes.count > Self.limit { bytes.removeFirst(bytes.count - Self.limit) }
                }
            }
            close(descriptor)
        }
        reader.name = "ponder.mcp.server-stderr"
        reader.start()
    }

    /// The kept bytes as text: the last eight lines at most, trimmed.
    var text: String {
        let bytes = kept.withLock { $0 }
        let lines = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).suffix(8)
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// How a process ended, once it has: set by its termination handler.
final class EndRecord: Sendable {
    private let ended = Mutex<String?>(nil)

    /// Keeps the first description recorded.
    func record(_ description: String) {
        ended.withLock { $0 = $0 ?? description }
    }

    /// The description, nil while the process runs.
    var text: String? { ended.withLock { $0 } }
}

/// The servers still running, so that they are ended when Ponder exits however it
/// exits normally (`exit()` included): each gets SIGTERM at exit, then SIGKILL.
final class ServerProcessRegistry: Sendable {
    static let shared = ServerProcessRegistry()
    private let running = Mutex<Set<Int32>>([])
    private let installed = Atomic<Bool>(false)

    func register(_ pid: Int32) {
        running.withLock { _ = $0.insert(pid) }
        if !installed.exchange(true, ordering: .relaxed) {
            atexit { ServerProcessRegistry.shared.terminateAll() }
        }
    }

    func unregister(_ pid: Int32) {
        running.withLock { _ = $0.remove(pid) }
    }

    /// Ends every server still running: SIGTERM to its process group, then, for those
    /// still there after `exitGrace`, SIGKILL. Blocks (it runs as Ponder exits).
    func terminateAll() {
        let groups = running.withLock { $0 }
        guard !groups.isEmpty else { return }
        for pid in groups { Glibc.kill(-pid, SIGTERM) }
        let end = ContinuousClock.now + Self.exitGrace
        while ContinuousClock.now < end, groups.contains(where: { Glibc.kill(-$0, 0) == 0 }) {
            usleep(20_000)
        }
        for pid in groups { Glibc.kill(-pid, SIGKILL) }
    }

    /// How long servers get to exit after SIGTERM when Ponder exits.
    static let exitGrace = Duration.seconds(1)
}
