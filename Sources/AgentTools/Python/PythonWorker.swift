import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The worker process of the Python tool (`ponder python-worker`): embeds CPython and
/// serves the host over the Unix socket it was given as standard input. Everything here
/// runs on the process's main thread, which holds the GIL from start to end.
public enum PythonWorker {
    /// Serves requests until the host closes the socket; returns the process's exit
    /// code. Meant to be called once, first thing, by the process's entry point, with
    /// the `--launch` argument the host gave (nil: no sandbox was asked for).
    public static func main(launch launchArgument: String?) -> Int32 {
        var sandbox = PythonSandboxStatus.processOnly
        var sandboxFailure: SandboxRefusal?
        if let launchArgument {
            guard let launch = try? JSONDecoder().decode(WorkerLaunch.self, from: Data(launchArgument.utf8)) else { return 2 }
            switch launch.stage {
            case .outer:
                // This process is the one the host knows: it watches the host, and its
                // death ends the sandbox.
                startParentWatch()
                switch SandboxLauncher.run(launch) {
                case .success(let status): return status
                case .failure(let refusal): sandbox = .refused(refusal.description)
                }
            case .inner:
                do {
                    try SandboxFileSystem.enter(launch)
                    sandbox = .sandboxed(network: launch.network)
                } catch {
                    sandboxFailure = error
                }
            }
        }
        guard let streams = WorkerStreams.take() else { return 3 }
        if sandbox == .processOnly { startParentWatch() }
        var buffer = FrameBuffer()
        guard let setupFrame = SocketIO.receiveBlocking(streams.socket, buffer: &buffer),
              let setup = try? WorkerFrame.decode(WorkerSetup.self, from: setupFrame)
        else { return 2 }
        if let sandboxFailure {
            let failure = WorkerReady(ok: false, message: "the sandbox could not be built: \(sandboxFailure)")
            if let frame = try? WorkerFrame.encode(failure) { _ = SocketIO.sendAll(streams.socket, frame) }
            return 1
        }

        let python: EmbeddedPython
        do {
            python = try EmbeddedPython()
            try python.run(workerScript, filename: "<ponder worker>")
            let readyText = try python.call("start", with: String(decoding: setupFrame, as: UTF8.self))
            var ready = try WorkerFrame.decode(WorkerReady.self, from: Array(readyText.utf8))
            ready.sandbox = sandbox
            guard ready.ok else {
                _ = SocketIO.sendAll(streams.socket, try WorkerFrame.encode(ready))
                return 1
            }
            try applyLimits(setup)
            guard SocketIO.sendAll(streams.socket, try WorkerFrame.encode(ready)) else { return 0 }
        } catch {
            let failure = WorkerReady(ok: false, message: String(describing: error))
            if let frame = try? WorkerFrame.encode(failure) { _ = SocketIO.sendAll(streams.socket, frame) }
            return 1
        }

        while let frame = SocketIO.receiveBlocking(streams.socket, buffer: &buffer) {
            streams.restore()
            guard var request = try? WorkerFrame.decode(WorkerRequest.self, from: frame) else { return 2 }
            // The token stays on this side: the Python half (and the code) never get it,
            // so a frame the code writes to the socket itself cannot answer the request.
            let token = request.token
            request.token = nil
            if let seconds = request.cpuSeconds { limitCPUTime(seconds) }
            var reply: String
            do {
                let requestText = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
                reply = try python.call("handle", with: requestText)
            } catch {
                var failure = WorkerReply()
                failure.internalError = String(describing: error)
                reply = (try? String(decoding: JSONEncoder().encode(failure), as: UTF8.self)) ?? "{}"
            }
            limitCPUTime(nil)
            let envelope = WorkerReplyEnvelope.encode(token: token, reply: reply)
            guard SocketIO.sendAll(streams.socket, WorkerFrame.frame(envelope)) else { break }
        }
        return 0
    }

    /// The kernel limits for the user's code, set after numpy and matplotlib are loaded.
    /// Soft and hard limits are equal, so the code cannot raise them again (root could,
    /// but the worker's audit hook refuses `resource.setrlimit`).
    private static func applyLimits(_ setup: WorkerSetup) throws(EmbeddedPython.Failure) {
        let limits: [(resource: Int32, name: String, value: UInt64)] = [
            (Int32(RLIMIT_AS.rawValue), "address space", setup.addressSpaceBytes),
            (Int32(__RLIMIT_NPROC.rawValue), "processes", setup.processes),
            (Int32(RLIMIT_NOFILE.rawValue), "open files", setup.openFiles),
            (Int32(RLIMIT_FSIZE.rawValue), "file size", setup.fileSizeBytes),
            (Int32(RLIMIT_CORE.rawValue), "core files", 0),
        ]
        for limit in limits {
            var current = rlimit()
            getrlimit(__rlimit_resource_t(limit.resource), &current)
            let value = min(rlim_t(limit.value), current.rlim_max)
            var new = rlimit(rlim_cur: value, rlim_max: value)
            if setrlimit(__rlimit_resource_t(limit.resource), &new) != 0 {
                throw EmbeddedPython.Failure(description: "could not limit \(limit.name) to \(value) (errno \(errno))")
            }
        }
    }

    /// Lets the next call use `seconds` more CPU time (SIGXCPU ends the process past it);
    /// nil lifts the limit between calls. The hard limit is left alone so that the soft
    /// one can be moved for every call.
    private static func limitCPUTime(_ seconds: Double?) {
        var current = rlimit()
        getrlimit(__rlimit_resource_t(Int32(RLIMIT_CPU.rawValue)), &current)
        var soft = current.rlim_max
        if let seconds {
            var usage = rusage()
            getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
            let used = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
            soft = min(rlim_t((used + max(seconds, 1)).rounded(.up)), current.rlim_max)
        }
        var new = rlimit(rlim_cur: soft, rlim_max: current.rlim_max)
        setrlimit(__rlimit_resource_t(Int32(RLIMIT_CPU.rawValue)), &new)
    }

    /// If the host dies while the code sleeps or loops, nothing would ever read our
    /// socket again: a plain thread (it never touches Python) ends the whole process
    /// group once the worker has been re-parented.
    private static func startParentWatch() {
        let parent = getppid()
        let thread = Thread {
            while true {
                sleep(1)
                if getppid() != parent { kill(0, SIGKILL) }
            }
        }
        thread.stackSize = 1 << 16
        thread.start()
    }
}
