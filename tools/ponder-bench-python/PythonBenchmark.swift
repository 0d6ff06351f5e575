import AgentTools
import Foundation

/// The Python tool's latencies, in milliseconds, medians of `runs`, with the kernel
/// sandbox and with process isolation alone (see docs/PERFORMANCE.md).
struct PythonBenchmark {
    let runs: Int
    /// The worker's command line: the `ponder` binary with `python-worker`.
    let workerCommand: [String]

    static let trivialCode = "1 + 1"
    static let plotCode = """
        import matplotlib.pyplot as plt
        plt.figure(figsize=(6.4, 4.8))
        plt.bar(["a", "b", "c", "d"], [3, 1, 4, 1])
        plt.title("bench")
        """

    /// The four latencies of one isolation, and the versions the worker loaded.
    private struct Measures {
        var versions = ""
        var cold: [Duration] = [], prestarted: [Duration] = [], trivial: [Duration] = [], plot: [Duration] = []
    }

    /// Measures the kernel sandbox and process isolation alone, side by side in one run.
    func run() async throws {
        let sandboxed = try await measure(.standard)
        let processOnly = try await measure(.processOnly)
        print(sandboxed.versions)
        print("measure                                              | kernel sandbox | process only")
        print("cold start to first result (spawn, imports, call)    | \(median(sandboxed.cold)) | \(median(processOnly.cold))")
        print("first call on a pre-started worker                   | \(median(sandboxed.prestarted)) | \(median(processOnly.prestarted))")
        print("trivial call round trip (1 + 1)                      | \(median(sandboxed.trivial)) | \(median(processOnly.trivial))")
        print("bar chart to PNG file                                | \(median(sandboxed.plot)) | \(median(processOnly.plot))")
    }

    private func measure(_ isolation: PythonIsolation) async throws -> Measures {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-python-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configuration = PythonConfiguration(workerCommand: workerCommand, sessionDirectory: folder, isolation: isolation)
        let context = ToolContext()

        var measures = Measures()
        for _ in 0..<max(3, runs / 4) {
            let fresh = PythonRunner(configuration: configuration)
            measures.cold.append(try await timed { try await check(fresh.run(Self.trivialCode, context: context)) })
            await fresh.stop()

            let started = PythonRunner(configuration: configuration)
            try await started.start()
            try await started.waitUntilReady()
            measures.prestarted.append(try await timed { try await check(started.run(Self.trivialCode, context: context)) })
            measures.versions = await started.versions ?? ""
            await started.stop()
        }
        let runner = PythonRunner(configuration: configuration)
        try await runner.waitUntilReady()
        _ = try await runner.run(Self.plotCode, context: context)  // first plot: font set-up
        for _ in 0..<runs {
            measures.trivial.append(try await timed { try await check(runner.run(Self.trivialCode, context: context)) })
        }
        for _ in 0..<runs {
            measures.plot.append(try await timed {
                let result = try await check(runner.run(Self.plotCode, context: context))
                guard result.files.count == 1 else { throw BenchmarkError("the plot made no PNG: \(result.text)") }
            })
        }
        await runner.stop()
        return measures
    }

    @discardableResult
    private func check(_ result: ToolResult) throws -> ToolResult {
        guard result.ok else { throw BenchmarkError("the benchmark's code failed: \(result.text)") }
        return result
    }

    private func timed(_ body: () async throws -> Void) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        return clock.now - start
    }

    /// "12.3 ms (min 11.9, max 14.0, n 20)".
    private func median(_ samples: [Duration]) -> String {
        let milliseconds = samples.map { $0.inSeconds * 1000 }.sorted()
        let middle = milliseconds[milliseconds.count / 2]
        func format(_ value: Double) -> String { String(format: value < 10 ? "%.2f" : "%.1f", value) }
        return "\(format(middle)) ms (min \(format(milliseconds.first!)), max \(format(milliseconds.last!)), n \(milliseconds.count))"
    }
}

/// A run that cannot be measured: the code failed or made no figure.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
