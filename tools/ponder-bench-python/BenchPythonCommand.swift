import AgentTools
import ArgumentParser
import Foundation

/// `ponder-bench-python [--runs N] [--ponder PATH]`: the Python tool's latencies (cold
/// start, pre-started first call, trivial round trip, a bar chart to PNG) with the
/// kernel sandbox and with process isolation alone, side by side. A developer's
/// benchmark, kept out of the `ponder` binary; its worker is the `ponder` built beside it.
@main
struct BenchPythonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ponder-bench-python",
        abstract: "Measure the Python tool's latencies, kernel sandbox and process isolation side by side.",
        discussion: "Prints medians in milliseconds (min, max, n). See docs/PERFORMANCE.md.")

    @Option(name: .customLong("runs"), help: "Calls measured per latency (cold starts: a quarter of them, at least 3).")
    var runs = 20

    @Option(name: .customLong("ponder"), help: "The ponder binary whose python-worker runs the code (default: the one beside this program).")
    var ponder: String?

    func validate() throws {
        guard runs > 0 else { throw ValidationError("--runs must be positive") }
        guard FileManager.default.isExecutableFile(atPath: ponderPath) else {
            throw ValidationError("no ponder binary at \(ponderPath): build it (swift build -c release --product ponder) or pass --ponder PATH")
        }
    }

    /// The worker's binary: --ponder, else `ponder` in this program's folder.
    var ponderPath: String {
        if let ponder { return ponder }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("ponder").path
    }

    func run() async throws {
        do {
            try await PythonBenchmark(runs: runs, workerCommand: [ponderPath, "python-worker"]).run()
        } catch {
            FileHandle.standardError.write(Data("ponder-bench-python: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
