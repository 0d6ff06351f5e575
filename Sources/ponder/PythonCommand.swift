import AgentTools
import ArgumentParser
import Foundation

/// `ponder tool python FILE|-`: runs the code once in a fresh Python session and prints
/// what the model would read; exit code 1 when the tool reports an error.
struct PythonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "python",
        abstract: "Run Python code once, as the python tool does, and print what the model would see.",
        discussion: """
            Prints what the code printed, the value of a final expression, "error: …" with \
            the traceback (exit code 1), and "figure saved: PATH" for every figure left \
            open (saved as PNG into --output-dir, by default the current directory). \
            numpy and matplotlib (Agg) are available. The code runs in a kernel sandbox: \
            no network (unless --network), a read-only file system except the output \
            folder and a private /tmp, no other processes. --check reports the sandbox \
            in force. Example: echo 'import math; math.pi * 2' | ponder tool python -
            """)

    @Argument(help: "A file of Python code, or - to read standard input.")
    var file: String?

    @Option(name: .customLong("timeout"), help: "The wall-clock limit in seconds.")
    var timeout: Double = 30

    @Option(name: .customLong("output-dir"), help: "The working directory, where figures are saved (default: the current directory).")
    var outputDirectory: String?

    @Flag(name: .customLong("network"), help: "Let the code reach the network.")
    var network = false

    @Flag(name: .customLong("check"), help: "Start a worker, print the isolation in force and the versions loaded, and exit (1 without the kernel sandbox).")
    var check = false

    func validate() throws {
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
        guard check || file != nil else { throw ValidationError("give a file of Python code, or - for standard input") }
    }

    func run() async throws {
        let limits = PythonLimits(timeout: .milliseconds(Int(timeout * 1000)))
        let directory = outputDirectory ?? FileManager.default.currentDirectoryPath
        let runner = PythonRunner(configuration: PythonConfiguration(
            limits: limits, sessionDirectory: directory, isolation: .sandbox(network: network)))
        if check {
            try await runCheck(runner)
            return
        }
        let code = try reportingErrors { try readCode() }
        let result = try await runner.run(code, context: ToolContext())
        await runner.stop()
        try printToolResult(result)
    }

    /// `--check`: which isolation a worker gets on this machine.
    private func runCheck(_ runner: PythonRunner) async throws {
        do {
            try await runner.waitUntilReady()
        } catch {
            await runner.stop()
            printError("error: \(error)")
            throw ExitCode.failure
        }
        let status = await runner.sandboxStatus
        print("isolation: \(status.map(String.init(describing:)) ?? "unknown")")
        print("versions: \(await runner.versions ?? "unknown")")
        await runner.stop()
        if case .sandboxed = status { return }
        throw ExitCode(1)
    }

    private func readCode() throws -> String {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else if let file {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw CLIError.invalidInput("cannot read \(file)")
            }
            data = contents
        } else {
            data = Data()
        }
        guard let code = String(data: data, encoding: .utf8) else {
            throw CLIError.invalidInput("\(file ?? "the input") is not UTF-8 text")
        }
        return code
    }
}
