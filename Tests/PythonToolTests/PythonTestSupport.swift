import AgentTools
import Foundation
import Testing

/// The Python tool's tests, one at a time: each starts workers that import numpy and
/// matplotlib (a third of a second of CPU each), and all at once they would crowd out the
/// other suites' timing checks on a two-core machine.
@Suite(.serialized)
struct PythonTool {}

/// Runners for the tests: each worker is the built `ponder` binary re-executed as
/// `python-worker`, each session gets its own temporary folder.
enum PythonTesting {
    /// The built `ponder`, beside the test bundle.
    static var ponderBinary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("ponder").path
    }

    /// A new, empty folder in the temporary directory.
    static func temporaryFolder() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-python-tests-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A runner on its own folder. The wall-clock limit is generous by default: tests of
    /// the limit pass a short deadline in the call's context instead, so that an ordinary
    /// call on a loaded machine is never mistaken for a runaway one.
    static func runner(limits: PythonLimits = PythonLimits(timeout: .seconds(60)), folder: String? = nil) -> PythonRunner {
        PythonRunner(configuration: PythonConfiguration(
            workerCommand: [ponderBinary, "python-worker"], limits: limits,
            sessionDirectory: folder ?? temporaryFolder()))
    }

    /// A context whose deadline is `seconds` from now.
    static func deadline(_ seconds: Double) -> ToolContext {
        ToolContext(deadline: .after(.milliseconds(Int(seconds * 1000))))
    }
}

extension PythonRunner {
    /// Runs `code` with no deadline of the context's.
    func run(_ code: String) async throws -> ToolResult {
        try await run(code, context: ToolContext())
    }

    /// Checks that the session works after whatever came before: a call that prints.
    func expectWorks(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await run("print('still working', 6 * 7)")
        #expect(result == ToolResult(text: "still working 42"), sourceLocation: sourceLocation)
    }
}
