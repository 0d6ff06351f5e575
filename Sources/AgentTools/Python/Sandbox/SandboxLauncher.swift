import CSandbox
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The outer stage of a sandboxed worker (`python-worker --launch` with stage `outer`):
/// the process the host spawned. It starts the sandbox's init in new namespaces, maps
/// root inside them to this process's own user, and then only waits: the worker runs
/// inside as the namespace's second process, and this process ends as the worker ended
/// (same exit status, same signal), so that the host sees one worker either way. The
/// host kills this process; its death kills the init (`PR_SET_PDEATHSIG`), and the
/// init's death every process in the namespace — whatever the code started.
enum SandboxLauncher {
    /// Runs the outer stage: the exit status to end with once the worker inside has
    /// ended, or the reason the kernel refused the namespaces (nothing was started; the
    /// caller then serves unsandboxed and says why).
    static func run(_ launch: WorkerLaunch) -> Result<Int32, SandboxRefusal> {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var inner = launch
        inner.stage = .inner
        guard let json = try? JSONEncoder().encode(inner) else { return .failure(SandboxRefusal("unencodable launch")) }
        let arguments = [executable, "python-worker", "--launch", String(decoding: json, as: UTF8.self)]
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }

        var syncDescriptor: Int32 = -1
        var statusDescriptor: Int32 = -1
        let pid = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in
                csb_start_sandbox(launch.network ? 1 : 0, executable, argv, envp, &syncDescriptor, &statusDescriptor)
            }
        }
        guard pid > 0 else { return .failure(SandboxRefusal(describeCloneFailure(errno))) }

        // Root inside is this process's user outside: the code gains no rights on the
        // host's files that the user lacks, and the mount view decides what it sees.
        let maps = [
            ("setgroups", "deny"), ("uid_map", "0 \(geteuid()) 1"), ("gid_map", "0 \(getegid()) 1"),
        ]
        for (file, contents) in maps {
            guard writeFile("/proc/\(pid)/\(file)", contents) else {
                let reason = "writing \(file): \(String(cString: strerror(errno)))"
                Glibc.kill(pid, SIGKILL)
                close(syncDescriptor)
                close(statusDescriptor)
                _ = waitForExit(pid)
                return .failure(SandboxRefusal(reason))
            }
        }
        var go: UInt8 = 1
        _ = write(syncDescriptor, &go, 1)
        close(syncDescriptor)
        // The worker inside holds the protocol socket; this process has no use for it.
        close(0)
        _ = open("/dev/null", O_RDONLY)

        _ = waitForExit(pid)
        var status: Int32 = 0
        let got = read(statusDescriptor, &status, MemoryLayout<Int32>.size)
        guard got == MemoryLayout<Int32>.size else { return .success(125) }
        return .success(mirror(status))
    }

    /// Why clone refused new namespaces, in the words of the setting to look at.
    private static func describeCloneFailure(_ code: Int32) -> String {
        let what = String(cString: strerror(code))
        switch code {
        case ENOSPC: return "clone: \(what): the limit of user namespaces (user.max_user_namespaces) is reached or 0"
        case EPERM: return "clone: \(what): user namespaces are not permitted here (a container's seccomp filter, or kernel.unprivileged_userns_clone = 0)"
        case EINVAL: return "clone: \(what): this kernel does not support the namespaces"
        default: return "clone: \(what)"
        }
    }

    /// Ends this process as the worker ended: by its signal, else with its status.
    private static func mirror(_ status: Int32) -> Int32 {
        let signalNumber = status & 0x7f
        if signalNumber == 0 { return (status >> 8) & 0xff }
        signal(signalNumber, SIG_DFL)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigaddset(&unblocked, signalNumber)
        sigprocmask(SIG_UNBLOCK, &unblocked, nil)
        Glibc.kill(getpid(), signalNumber)
        return 128 + signalNumber
    }

    private static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    private static func writeFile(_ path: String, _ contents: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let bytes = Array(contents.utf8)
        return bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == bytes.count
    }
}

/// Why the kernel sandbox could not be started.
struct SandboxRefusal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `strings` as a NULL-terminated C array for the duration of `body`.
func withCStrings<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result) -> Result {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
