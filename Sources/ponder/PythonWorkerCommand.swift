import AgentTools
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `ponder python-worker`: the Python tool's worker process, started by the tool itself
/// (never by hand). It speaks the worker protocol on standard input.
struct PythonWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "python-worker",
        abstract: "The Python tool's worker process (started by Ponder itself).",
        shouldDisplay: false)

    /// The sandbox the worker runs in (JSON, written by the Python tool).
    @Option(name: .customLong("launch"), help: .hidden)
    var launch: String?

    func run() throws {
        Glibc.exit(PythonWorker.main(launch: launch))
    }
}
