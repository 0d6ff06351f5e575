import Foundation

/// The Python tool ("python"): runs the code the model writes in a worker process —
/// this program re-executed as `python-worker`, embedding Debian's CPython with numpy and
/// matplotlib (Agg) already imported — so that nothing the code does can take the host
/// down.
///
/// One runner is one session, like a notebook: variables defined by one call are there
/// in the next, until `reset()` (or the input `%reset`), or until the worker has to be
/// killed. The model reads what the code printed (capped), the value of a final
/// expression, the traceback of an error, and the paths of the figures, which are saved
/// as PNG files into the call's output folder and closed.
///
///     <python>print(6 * 7)</python>          → 42
///     <python>x = [1, 2, 3]; sum(x)</python>  → 6
///     <python>import time; time.sleep(1e6)</python>
///         → error: the code ran past the 30 s limit and was stopped; the Python state (variables) was lost
///
/// What is isolated: by default the worker runs in a kernel sandbox (`PythonIsolation`):
/// its own user, PID, mount, IPC and network namespaces, a read-only view of the system
/// with only the session and output folders writable, no `/proc`, no capabilities, and
/// every process it starts dies with it. Always: the host process (the code runs in
/// another process, killed at the deadline and replaced), CPU time, address space, open
/// files, file size and output (see `PythonLimits`), the environment (scrubbed), and
/// replies (each carries a token the code never sees, so the code cannot answer for the
/// worker). Where the kernel refuses namespaces, `sandboxStatus` says so and the code can
/// read and write what the user can and reach the network.
public actor PythonRunner: Tool {
    /// The tool's name in calls: "python".
    public nonisolated let name = "python"
    /// What the model is told the tool does.
    public nonisolated let description = "Run Python code (numpy, matplotlib) in a persistent session; returns what it printed, the value of a last expression, the error, and figures saved as PNG files."
    /// How the worker starts, what it may use and how it is isolated.
    public nonisolated let configuration: PythonConfiguration
    /// Code a model writes in one call rarely needs more; the cap stops a rambling one.
    public nonisolated var maximumInputLength: Int { 1500 }

    private var worker: WorkerProcess?
    /// Whether `worker` has said that it is ready.
    private var workerReady = false
    /// "Python 3.11.2, numpy 1.24.2, matplotlib 3.6.3", once a worker has started.
    public private(set) var versions: String?
    /// The session folder, once resolved (or made).
    private var sessionDirectory: String?
    /// Output folders calls have asked for: a sandboxed worker can write only the
    /// folders it was started with, so a new one means a new worker.
    private var outputFolders: [String] = []
    /// The folders the current worker may write.
    private var workerWritable: [String] = []
    /// The isolation the last worker reported when it started.
    public private(set) var sandboxStatus: PythonSandboxStatus?
    /// Calls are served one at a time: one worker, one conversation.
    private let turns = TurnQueue()

    /// A session that starts its worker on first use (or at `start()`).
    public init(configuration: PythonConfiguration = PythonConfiguration()) {
        self.configuration = configuration
    }

    /// Starts a worker now if none is running, and returns without waiting for it:
    /// numpy and matplotlib load while the caller does something else.
    public func start() throws(PythonToolError) {
        guard worker == nil else { return }
        let directory = try resolvedSessionDirectory()
        let matplotlibCache = configuration.resolvedMatplotlibCache(fallback: directory)
        let environment = configuration.workerEnvironment(sessionDirectory: directory, matplotlibCache: matplotlibCache)
        let writable = [directory] + outputFolders.filter { !Self.folder($0, isInside: directory) }
        worker = try WorkerProcess(
            command: configuration.workerCommandLine(writable: writable, matplotlibCache: matplotlibCache),
            environment: environment, directory: directory, setup: WorkerSetup(limits: configuration.limits))
        workerWritable = writable
        workerReady = false
    }

    /// `Tool.prepare()`: the model has opened a `<python>` marker, so the worker loads
    /// numpy and matplotlib while the model writes the code.
    public nonisolated func prepare() {
        Task { try? await self.start() }
    }

    /// Starts a worker if needed and waits until it has loaded numpy and matplotlib.
    /// Throws `PythonToolError` if it cannot start, or `CancellationError`.
    public func waitUntilReady() async throws {
        await turns.acquire()
        defer { turns.release() }
        if case .failed(let result) = try await prepare(deadline: nil) {
            // The result reads "error: the Python worker could not start: REASON".
            let prefix = "error: \(PythonToolError.cannotStart(""))"
            throw PythonToolError.cannotStart(result.text.hasPrefix(prefix) ? String(result.text.dropFirst(prefix.count)) : result.text)
        }
    }

    /// Runs `input` as Python code in the session (`%reset` alone resets it). Errors of
    /// the code, and anything that happens to the worker, are results with `ok == false`;
    /// only cancellation throws (the worker is then killed and its state lost).
    public func run(_ input: String, context: ToolContext) async throws -> ToolResult {
        if input.trimmingCharacters(in: .whitespacesAndNewlines) == "%reset" { return try await reset() }
        try Task.checkCancellation()
        await turns.acquire()
        defer { turns.release() }
        if context.deadline.timeIsUp {
            return ToolResult(text: "error: no time was left to run the code", ok: false)
        }
        let directory: String
        do {
            directory = try callDirectory(context)
        } catch {
            return ToolResult(text: "error: \(error)", ok: false)
        }
        var folderNote: String?
        if !outputFolders.contains(directory) { outputFolders.append(directory) }
        if worker != nil, !workerWritable.contains(where: { Self.folder(directory, isInside: $0) }) {
            if workerReady { folderNote = "the output folder changed, so a new Python worker started; \(PythonReport.stateLost)" }
            discardWorker()
        }
        let (worker, note): (WorkerProcess, String?)
        switch try await prepare(deadline: context.deadline.wallInstant) {
        case .failed(let result): return result
        case .ready(let readyWorker, let readyNote): (worker, note) = (readyWorker, readyNote ?? folderNote)
        }

        let clock = ContinuousClock()
        let started = clock.now
        var limit = configuration.limits.timeout
        if let remaining = context.deadline.remaining { limit = min(limit, remaining) }
        guard limit > .zero else { return ToolResult(text: "error: no time was left to run the code", ok: false) }
        let request = WorkerRequest(
            kind: .run, code: input, directory: directory, cpuSeconds: configuration.limits.cpuTime.inSeconds)
        let deadline = started + limit
        let outcome = await waitingOffThePool { worker.exchange(request, deadline: deadline, cancellation: $0) }
        switch outcome {
        case .answer(let reply):
            return PythonReport.render(Self.checkingFigures(reply, directory: directory), limits: configuration.limits, note: note)
        case .deadlinePassed:
            replaceWorker()
            return PythonReport.lost("the code ran past the \(PythonReport.seconds(limit)) limit and was stopped")
        case .cancelled:
            discardWorker()
            throw CancellationError()
        case .ended(let end):
            replaceWorker()
            return PythonReport.lost(PythonReport.describe(end, limits: configuration.limits))
        }
    }

    /// Empties the session's namespace and closes its figures; imported modules stay
    /// loaded. Throws only `CancellationError`.
    public func reset() async throws -> ToolResult {
        await turns.acquire()
        defer { turns.release() }
        let cleared = ToolResult(text: "the Python state (variables and figures) was cleared")
        guard let worker, workerReady, worker.isRunning else {
            discardWorker()  // a new worker starts empty
            return cleared
        }
        let deadline = ContinuousClock.now + .seconds(10)
        let outcome = await waitingOffThePool { worker.exchange(WorkerRequest(kind: .reset), deadline: deadline, cancellation: $0) }
        switch outcome {
        case .answer: return cleared
        case .cancelled:
            discardWorker()
            throw CancellationError()
        case .deadlinePassed, .ended:
            replaceWorker()
            return cleared
        }
    }

    /// Kills the worker, if any; the next call starts a new one (with an empty state).
    public func stop() {
        discardWorker()
    }

    // MARK: - Workers

    private enum Preparation {
        case ready(WorkerProcess, note: String?)
        case failed(ToolResult)
    }

    /// A worker that is ready, started (and waited for) if needed. A worker that died
    /// since the last call is replaced, with a note that its state was lost.
    private func prepare(deadline: ContinuousClock.Instant?) async throws -> Preparation {
        var note: String?
        if let worker, workerReady, let end = worker.ending {
            note = "\(PythonReport.describe(end, limits: configuration.limits)) after the last call; \(PythonReport.stateLost)"
            discardWorker()
        }
        do {
            try start()
        } catch {
            return .failed(ToolResult(text: "error: \(error)", ok: false))
        }
        guard let worker else { return .failed(ToolResult(text: "error: the Python worker could not start", ok: false)) }
        if workerReady { return .ready(worker, note: note) }

        let waitStarted = ContinuousClock.now
        let startupDeadline = waitStarted + configuration.limits.startupTimeout
        let readyDeadline = min(startupDeadline, deadline ?? startupDeadline)
        let outcome = await waitingOffThePool { worker.waitUntilReady(deadline: readyDeadline, cancellation: $0) }
        let reason: String
        switch outcome {
        case .answer(let ready) where ready.ok:
            workerReady = true
            versions = ready.versions
            sandboxStatus = ready.sandbox
            if case .refused = ready.sandbox { SandboxWarning.sayOnce(ready.sandbox?.description ?? "") }
            return .ready(worker, note: note)
        case .answer(let ready):
            reason = ready.message ?? "no reason given"
        case .deadlinePassed where readyDeadline < startupDeadline:
            // The caller's deadline, not the worker's fault: it stays, still starting.
            return .failed(ToolResult(text: "error: the time ran out while the Python worker was starting", ok: false))
        case .deadlinePassed:
            reason = "it was not ready after \(PythonReport.seconds(ContinuousClock.now - waitStarted))"
        case .cancelled:
            discardWorker()
            throw CancellationError()
        case .ended(let end):
            let diagnostics = await waitingOffThePool { _ in worker.diagnosticsTail }
            let lastLine = diagnostics.split(separator: "\n").last.map { ": \($0)" } ?? ""
            reason = PythonReport.describe(end, limits: configuration.limits) + lastLine
        }
        discardWorker()
        let hint = reason.contains("No module named") ? " (install python3-numpy and python3-matplotlib: tools/setup)" : ""
        return .failed(ToolResult(text: "error: \(PythonToolError.cannotStart(reason + hint))", ok: false))
    }

    /// Kills the worker and starts the next one at once, so that the next call finds it
    /// ready; the session's state is gone either way.
    private func replaceWorker() {
        discardWorker()
        try? start()
    }

    private func discardWorker() {
        worker?.kill()
        worker = nil
        workerReady = false
    }

    // MARK: - Folders

    /// The session folder: configured, or made in the temporary directory.
    private func resolvedSessionDirectory() throws(PythonToolError) -> String {
        if let sessionDirectory { return sessionDirectory }
        let directory: String
        if let configured = configuration.sessionDirectory {
            directory = try Self.makeDirectory(configured)
        } else {
            let template = FileManager.default.temporaryDirectory.path + "/ponder-python-XXXXXX"
            var bytes = Array(template.utf8CString)
            guard let made = mkdtemp(&bytes) else {
                throw .outputDirectory(path: template, reason: String(cString: strerror(errno)))
            }
            directory = String(cString: made)
        }
        sessionDirectory = directory
        return directory
    }

    /// Where this call runs and saves its figures: the context's output folder, else
    /// the session folder.
    private func callDirectory(_ context: ToolContext) throws(PythonToolError) -> String {
        guard let requested = context.outputDirectory else { return try resolvedSessionDirectory() }
        return try Self.makeDirectory(requested)
    }

    /// Whether `path` is `folder` or inside it.
    private static func folder(_ path: String, isInside folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    /// The reply with only the figures the host can vouch for: regular files (not links)
    /// directly in the call's folder. The paths come from the worker, which the code
    /// controls; the host lists and shows these files, so it checks them itself.
    private static func checkingFigures(_ reply: WorkerReply, directory: String) -> WorkerReply {
        var checked = reply
        checked.figures = reply.figures.filter { path in
            var info = stat()
            let name = (path as NSString).lastPathComponent
            let parent = (path as NSString).deletingLastPathComponent
            return (parent == directory || parent == (directory as NSString).resolvingSymlinksInPath) && name.hasPrefix("figure-")
                && name.hasSuffix(".png") && lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        }
        if checked.figures.count < reply.figures.count, checked.figureError == nil {
            checked.figureError = "\(reply.figures.count - checked.figures.count) figure path(s) outside the output folder were refused"
        }
        return checked
    }

    /// `path` made absolute, created if missing.
    private static func makeDirectory(_ path: String) throws(PythonToolError) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        do {
            try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
        } catch {
            throw .outputDirectory(path: absolute, reason: error.localizedDescription)
        }
        return absolute
    }

    // MARK: - Waiting

    /// Runs a blocking wait on a thread of its own, never on the cooperative pool; task
    /// cancellation sets the flag the wait checks. Not on Dispatch's global queues
    /// either: on Linux their pool grows only slowly past one thread per core, so waits
    /// of seconds there would hold up other work (the web fetcher's transfers).
    private func waitingOffThePool<Value: Sendable>(
        _ body: @escaping @Sendable (CancellationFlag) -> Value
    ) async -> Value {
        let flag = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread { continuation.resume(returning: body(flag)) }
                thread.stackSize = 1 << 20
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
    }
}
