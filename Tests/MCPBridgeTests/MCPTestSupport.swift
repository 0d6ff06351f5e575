import Foundation
import Synchronization
import Testing

/// Paths and child processes for the MCP bridge's tests: the built `ponder`, the test
/// venv's Python with the official `mcp` SDK, the scripts of Scripts/. Waits happen on
/// threads of their own, never on the cooperative pool; every child is killed at its timeout.
enum MCPTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built products (beside the test bundle).
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The `ponder` binary under test.
    static var ponder: String { productsDirectory.appendingPathComponent("ponder").path }

    /// The default model, which the tests run `ponder mcp` with.
    static var model: String { repositoryRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path }

    /// The Python with the `mcp` SDK, installed by tools/install-test-sdks.
    static var python: String { repositoryRoot.appendingPathComponent(".venv-serve/bin/python").path }

    /// The path of a script of Scripts/.
    static func script(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("Tests/MCPBridgeTests/Scripts/\(name)").path
    }

    /// A folder of its own under the temporary directory.
    static func temporaryFolder(_ prefix: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.path
    }

    /// What a finished program wrote and how it ended.
    struct Output: Sendable {
        let status: Int32
        let standardOutput: String
        let standardError: String
        /// Whether it was killed at its timeout.
        let timedOut: Bool
        var combined: String { standardOutput + "\n--- stderr ---\n" + standardError }
    }

    /// Runs a program to its end with `input` on its standard input (then closed),
    /// killing it after `timeout` seconds. `PONDER_MODEL` is removed from its environment.
    static func run(
        _ executable: String, _ arguments: [String], input: Data = Data(), environment: [String: String] = [:], timeout: Double = 300
    ) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PONDER_MODEL")
        env.merge(environment) { $1 }
        process.environment = env
        let output = Pipe(), error = Pipe(), standardInput = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        try process.run()
        let timedOut = Atomic<Bool>(false)
        let killer = DispatchWorkItem {
            if process.isRunning {
                timedOut.store(true, ordering: .relaxed)
                kill(process.processIdentifier, SIGKILL)
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let (out, err) = await withCheckedContinuation { (continuation: CheckedContinuation<(Data, Data), Never>) in
            Thread.detachNewThread {
                let errorData = Mutex(Data())
                let errorDone = DispatchSemaphore(value: 0)
                Thread.detachNewThread {
                    let data = error.fileHandleForReading.readDataToEndOfFile()
                    errorData.withLock { $0 = data }
                    errorDone.signal()
                }
                try? standardInput.fileHandleForWriting.write(contentsOf: input)
                try? standardInput.fileHandleForWriting.close()
                let out = output.fileHandleForReading.readDataToEndOfFile()
                errorDone.wait()
                process.waitUntilExit()
                continuation.resume(returning: (out, errorData.withLock { $0 }))
            }
        }
        killer.cancel()
        return Output(
            status: process.terminationStatus, standardOutput: String(decoding: out, as: UTF8.self),
            standardError: String(decoding: err, as: UTF8.self), timedOut: timedOut.load(ordering: .relaxed))
    }

    /// Runs a script of Scripts/ with the SDK's Python.
    static func runScript(_ name: String, _ arguments: [String], timeout: Double = 300) async throws -> Output {
        #expect(FileManager.default.isExecutableFile(atPath: python), "no \(python): tools/install-test-sdks installs the mcp SDK there")
        return try await run(python, [script(name)] + arguments, timeout: timeout)
    }

    /// The pids of the running processes whose command line contains `text` (from /proc).
    static func processes(containing text: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let commandLine = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return commandLine.contains(text) ? pid : nil
        }
    }
}

/// A long-running child process (e.g. `ponder mcp --http 0`) whose standard error is
/// read on a thread of its own, waiting for a line that matches a pattern; stopped by `stop()`.
final class MCPChildProcess: Sendable {
    let process: Process
    private let log = Mutex("")

    private init(process: Process) {
        self.process = process
    }

    /// What the process wrote on standard error so far.
    var standardError: String { log.withLock { $0 } }

    var isRunning: Bool { process.isRunning }

    /// Starts `executable` with `arguments` and waits (at most `timeout` seconds) until
    /// its standard error matches `pattern` (a regular expression); returns the process
    /// and the match. Throws, having killed it, when it exits or times out first.
    static func start(
        _ executable: String, _ arguments: [String], waitingFor pattern: String, timeout: Double = 60
    ) async throws -> (MCPChildProcess, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = MCPTestSupport.repositoryRoot
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PONDER_MODEL")
        process.environment = env
        let error = Pipe()
        process.standardError = error
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let child = MCPChildProcess(process: process)
        let killer = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let match: String? = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var buffer = Data()
                var resumed = false
                let handle = error.fileHandleForReading
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    buffer.append(data)
                    let text = String(decoding: buffer, as: UTF8.self)
                    child.log.withLock { $0 = String(text.suffix(20_000)) }
                    if !resumed, let range = text.range(of: pattern, options: .regularExpression) {
                        resumed = true
                        continuation.resume(returning: String(text[range]))
                    }
                }
                if !resumed { continuation.resume(returning: nil) }
            }
        }
        killer.cancel()
        guard let match else {
            child.stop()
            throw ChildStartError(log: child.standardError)
        }
        return (child, match)
    }

    /// Asks the process to stop (SIGTERM), then kills it if it has not exited within `grace` seconds.
    func stop(grace: Double = 10) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// A child process exited or timed out before saying it was ready.
struct ChildStartError: Error, CustomStringConvertible {
    let log: String
    var description: String { "the process did not start:\n\(log)" }
}
