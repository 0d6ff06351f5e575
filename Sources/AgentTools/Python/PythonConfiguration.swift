import Foundation

/// How a `PythonRunner` starts its worker and what the code may use.
public struct PythonConfiguration: Sendable {
    /// The worker's executable and arguments. By default this very program with
    /// `python-worker` (the `ponder` binary re-executed); tests name the built binary.
    public var workerCommand: [String]
    /// What one piece of code may use.
    public var limits: PythonLimits
    /// The session's folder: the worker's working directory and HOME, and where figures
    /// go when the call's `ToolContext` names no output directory. Nil: a new folder in
    /// the temporary directory, made on first use.
    public var sessionDirectory: String?
    /// Where matplotlib keeps its font cache (MPLCONFIGDIR), shared by all sessions so
    /// that it is built once. Nil: `$PONDER_CACHE_DIR/matplotlib`, else
    /// `~/.cache/ponder/matplotlib`.
    public var matplotlibCacheDirectory: String?
    /// How the worker is kept apart from the host: by default a kernel sandbox without
    /// network (see `PythonIsolation`).
    public var isolation: PythonIsolation

    /// A configuration with the given values; the defaults run this program's worker in
    /// the kernel sandbox with the standard limits.
    public init(
        workerCommand: [String] = PythonConfiguration.defaultWorkerCommand(),
        limits: PythonLimits = PythonLimits(),
        sessionDirectory: String? = nil,
        matplotlibCacheDirectory: String? = nil,
        isolation: PythonIsolation = .standard
    ) {
        self.workerCommand = workerCommand
        self.limits = limits
        self.sessionDirectory = sessionDirectory
        self.matplotlibCacheDirectory = matplotlibCacheDirectory
        self.isolation = isolation
    }

    /// The worker's command line for a session whose writable folders are `writable`:
    /// the worker command, and for the sandbox its `--launch` description.
    func workerCommandLine(writable: [String], matplotlibCache: String) -> [String] {
        guard case .sandbox(let network) = isolation else { return workerCommand }
        // matplotlib writes its font cache once; after that the code only reads it, so a
        // session cannot change what later sessions load.
        let cacheBuilt = ((try? FileManager.default.contentsOfDirectory(atPath: matplotlibCache)) ?? [])
            .contains { $0.hasPrefix("fontlist") }
        let launch = WorkerLaunch(
            stage: .outer, network: network,
            writable: writable + (cacheBuilt ? [] : [matplotlibCache]),
            readOnly: cacheBuilt ? [matplotlibCache] : [],
            temporaryBytes: limits.fileSizeBytes)
        guard let json = try? JSONEncoder().encode(launch) else { return workerCommand }
        return workerCommand + ["--launch", String(decoding: json, as: UTF8.self)]
    }

    /// This program (as the kernel knows it, not as it was typed) with `python-worker`.
    public static func defaultWorkerCommand() -> [String] {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return [executable, "python-worker"]
    }

    /// The worker's whole environment: nothing of the host's (no tokens, proxies or
    /// PYTHON* variables), one thread for the numeric libraries, Agg for matplotlib.
    func workerEnvironment(sessionDirectory: String, matplotlibCache: String) -> [String: String] {
        [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": sessionDirectory,
            "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": matplotlibCache,
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            // Each malloc arena reserves 64 MiB of address space, which RLIMIT_AS counts.
            "MALLOC_ARENA_MAX": "2",
            // A crash is reported by the host in one line; no backtrace on standard error.
            "SWIFT_BACKTRACE": "enable=no",
        ]
    }

    /// The shared matplotlib cache folder, created if needed.
    func resolvedMatplotlibCache(fallback: String) -> String {
        let environment = ProcessInfo.processInfo.environment
        let candidate: String
        if let matplotlibCacheDirectory {
            candidate = matplotlibCacheDirectory
        } else if let custom = environment["PONDER_CACHE_DIR"], !custom.isEmpty {
            candidate = custom + "/matplotlib"
        } else {
            let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
            candidate = home + "/.cache/ponder/matplotlib"
        }
        if (try? FileManager.default.createDirectory(atPath: candidate, withIntermediateDirectories: true)) != nil {
            return candidate
        }
        return fallback + "/.matplotlib"
    }
}

/// Failures of the Python tool itself, before any code runs (a missing worker binary,
/// an output folder that cannot be made). The runner turns them into error results.
public enum PythonToolError: Error, CustomStringConvertible, Equatable {
    /// The worker process could not be started (the reason).
    case cannotStart(String)
    /// The output folder could not be made or used.
    case outputDirectory(path: String, reason: String)

    /// The problem as the model and the user read it.
    public var description: String {
        switch self {
        case .cannotStart(let reason): return "the Python worker could not start: \(reason)"
        case .outputDirectory(let path, let reason): return "cannot use the output folder \(path): \(reason)"
        }
    }
}
