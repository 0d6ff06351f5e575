import Foundation
import Testing

/// The Python tool's benchmark is a developer's executable of its own, not part of `ponder`.
struct BenchPythonTests {
    @Test("ponder-bench-python measures the kernel sandbox and process isolation side by side")
    func benchmarkRuns() async throws {
        let result = try await CommandLineTests.run(["--runs", "1"], binary: "ponder-bench-python")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("| kernel sandbox | process only"))
        for measure in ["cold start to first result", "first call on a pre-started worker", "trivial call round trip", "bar chart to PNG file"] {
            #expect(result.standardOutput.contains(measure), "missing \(measure)")
        }
    }

    @Test("ponder-bench-python refuses a missing worker binary and a zero run count")
    func benchmarkUsage() async throws {
        // A developer's tool: argument-parser's usage status (64, EX_USAGE), not ponder's 2.
        #expect(try await CommandLineTests.run(["--runs", "0"], binary: "ponder-bench-python").status == 64)
        let missing = try await CommandLineTests.run(["--ponder", "/nonexistent/ponder"], binary: "ponder-bench-python")
        #expect(missing.status == 64)
        #expect(missing.standardError.contains("no ponder binary"))
    }

    @Test("ponder tool python has no --bench any more")
    func noBenchInPonder() async throws {
        #expect(try await CommandLineTests.run(["tool", "python", "--bench"]).status == 2)
    }
}
