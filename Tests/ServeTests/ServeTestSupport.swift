import Foundation
import Synchronization
import Testing

/// Paths and child processes for the server's tests: `ponder serve` started on a free
/// loopback port, Python scripts using the official openai SDK run against it. Waits
/// happen on threads of their own, never on the cooperative pool.
enum ServeTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built products (beside the test bundle).
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    static var ponder: String { productsDirectory.appendingPathComponent("ponder").path }

    /// The Python with the openai SDK, installed by tools/install-test-sdks (tools/test runs it).
    static var python: String { repositoryRoot.appendingPathComponent(".venv-serve/bin/python").path }

    static func script(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("Tests/ServeTests/Scripts/\(name)").path
    }

    struct Output: Sendable {
        let status: Int32
        let standardOutput: String
        let standardError: String
        var combined: String { standardOutput + standardError }
    }

    /// Runs a program to its end, killing it after `timeout` seconds.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: Double = 300) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PONDER_MODEL")
        env.merge(environment) { $1 }
        process.environment = env
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let (out, err) = await withCheckedContinuation { (continuation: CheckedContinuation<(Data, Data), Never>) in
            Thread.detachNewThread {
                let errorData = Mutex(Data())
                let errorDone = DispatchSemaphore(value: 0)
                Thread.detachNewThread {
                    errorData.withLock { $0 = error.fileHandleForReading.readDataToEndOfFile() }
                    errorDone.signal()
                }
                let out = output.fileHandleForReading.readDataToEndOfFile()
                errorDone.wait()
                process.waitUntilExit()
                continuation.resume(returning: (out, errorData.withLock { $0 }))
            }
        }
        killer.cancel()
        return Output(
            status: process.terminationStatus, standardOutput: String(decoding: out, as: UTF8.self),
            standardError: String(decoding: err, as: UTF8.self))
    }

    /// Runs a script of Scripts/ with the SDK's Python; its output when it fails.
    static func runScript(_ name: String, _ arguments: [String], timeout: Double = 300) async throws -> Output {
        #expect(FileManager.default.isExecutableFile(atPath: python), "no \(python): tools/test installs the openai SDK there (tools/install-test-sdks)")
        return try await run(python, [script(name)] + arguments, timeout: timeout)
    }
}

/// `ponder serve` in a child process on a free loopback port; stopped by `stop()`.
final class ServerProcess: Sendable {
    let process: Process
    /// The API base, e.g. http://127.0.0.1:41234/v1.
    let baseURL: String
    private let log: LogBuffer

    var pid: Int32 { process.processIdentifier }

    private init(process: Process, baseURL: String, log: LogBuffer) {
        self.process = process
        self.baseURL = baseURL
        self.log = log
    }

    /// Starts `ponder serve --port 0 ARGUMENTS` and waits until it listens. The engine
    /// gets one thread, so the test process keeps a core while the server works.
    static func start(_ arguments: [String] = []) async throws -> ServerProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServeTestSupport.ponder)
        process.arguments = ["serve", "--port", "0", "-t", "1", "--output-dir", FileManager.default.temporaryDirectory.appendingPathComponent("ponder-serve-tests").path] + arguments
        process.currentDirectoryURL = ServeTestSupport.repositoryRoot
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PONDER_MODEL")
        env.removeValue(forKey: "PONDER_SERVE_API_KEY")
        process.environment = env
        let error = Pipe()
        process.standardError = error
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let log = LogBuffer()
        let url: String? = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                // Reads standard error line by line: the address, then (drained so the
                // pipe never fills) whatever else the server says.
                var buffer = Data()
                var resumed = false
                let handle = error.fileHandleForReading
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    buffer.append(data)
                    let text = String(decoding: buffer, as: UTF8.self)
                    log.text.withLock { $0 = String(text.suffix(20_000)) }
                    // A server bound to every interface (0.0.0.0) is reached at 127.0.0.1.
                    if !resumed, let range = text.range(of: #"http://(127\.0\.0\.1|0\.0\.0\.0):[0-9]+/v1"#, options: .regularExpression) {
                        resumed = true
                        continuation.resume(returning: text[range].replacingOccurrences(of: "0.0.0.0", with: "127.0.0.1"))
                    }
                }
                if !resumed { continuation.resume(returning: nil) }
            }
        }
        guard let url else {
            process.terminate()
            throw ServerStartError(log: log.text.withLock { $0 })
        }
        return ServerProcess(process: process, baseURL: url, log: log)
    }

    /// What the server wrote on standard error so far.
    var standardError: String { log.text.withLock { $0 } }

    var isRunning: Bool { process.isRunning }

    /// Peak resident memory of the server so far (MiB), from /proc.
    var peakMemoryMiB: Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes / 1024
    }

    /// Ends the server: SIGTERM, then SIGKILL if it has not exited within 3 s.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let process = self.process
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                let deadline = Date().addingTimeInterval(3)
                while process.isRunning, Date() < deadline { usleep(20_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                continuation.resume()
            }
        }
    }

    /// Runs `body` with a server, and stops it afterwards whatever happens.
    static func with<T>(_ arguments: [String] = [], _ body: (ServerProcess) async throws -> T) async throws -> T {
        let server = try await start(arguments)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }
}

struct ServerStartError: Error, CustomStringConvertible {
    let log: String
    var description: String { "ponder serve did not start listening: \(log)" }
}

/// The server's standard error as it arrives.
final class LogBuffer: Sendable {
    let text = Mutex("")
}
