import Foundation
import Synchronization

/// How the Python tool's worker is kept apart from the host.
public enum PythonIsolation: Sendable, Equatable {
    /// A sandbox the kernel enforces: new user, PID, mount, IPC and UTS namespaces (and a
    /// network namespace with no interfaces but a down loopback unless `network`). The
    /// code sees a read-only file system made of the system's programs and libraries
    /// (`/usr`), a few files of `/etc`, a private `/tmp`, and its session and output
    /// folders, which alone are writable; no `/proc`, no host processes (everything it
    /// starts dies with the worker), no capabilities. Where the kernel refuses new
    /// namespaces the worker runs as with `processOnly`, and says so.
    case sandbox(network: Bool)
    /// A separate process with resource limits, a scrubbed environment and an audit hook
    /// that refuses new processes: the code can read and write what the user can, and
    /// reach the network.
    case processOnly

    /// The default: the kernel sandbox, without network.
    public static let standard = PythonIsolation.sandbox(network: false)
}

/// Which isolation a worker actually runs under, as it reported when it started.
public enum PythonSandboxStatus: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The kernel sandbox is in force.
    case sandboxed(network: Bool)
    /// Only process isolation, because the configuration asked for no more.
    case processOnly
    /// Only process isolation, because the kernel refused the namespaces (the reason).
    case refused(String)

    /// What the code can and cannot reach under this isolation, in a sentence.
    public var description: String {
        switch self {
        case .sandboxed(let network):
            return "kernel sandbox (user, PID, mount, IPC namespaces; read-only file system but the session folder; "
                + (network ? "network allowed)" : "no network)")
        case .processOnly:
            return "process isolation only (resource limits, scrubbed environment, no new processes): no kernel sandbox was asked for"
        case .refused(let reason):
            return "process isolation only: the kernel refused the sandbox's namespaces (\(reason)); the code can read and write what the user can, and reach the network"
        }
    }
}

/// What the host tells a sandboxed worker about its sandbox, as one command-line
/// argument (`python-worker --launch JSON`). The outer stage starts the namespaces; the
/// inner stage, inside them, builds the file system view and drops its privileges.
struct WorkerLaunch: Codable, Sendable, Equatable {
    enum Stage: String, Codable, Sendable {
        case outer
        case inner
    }
    var stage: Stage
    /// Keep the host's network (no new network namespace).
    var network: Bool
    /// Folders the code may write: the session folder and the output folders, at the
    /// same paths as on the host.
    var writable: [String]
    /// Folders shown read-only at the same paths (matplotlib's font cache once built).
    var readOnly: [String]
    /// The size of the private /tmp, in bytes.
    var temporaryBytes: UInt64
}

/// The one warning a process gives when the kernel refuses the sandbox: on standard
/// error, once, however many workers start.
enum SandboxWarning {
    private static let said = Mutex(false)

    static func sayOnce(_ status: String) {
        let first = said.withLock { said in
            defer { said = true }
            return !said
        }
        guard first else { return }
        FileHandle.standardError.write(Data("warning: Python tool: \(status)\n".utf8))
    }
}
