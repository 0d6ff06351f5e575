#if canImport(Glibc)
import Glibc
#endif

/// The worker's descriptors and signals, set up before Python starts. The host hands
/// the protocol socket over as standard input; it is moved to a high descriptor so that
/// the code cannot read it by accident (`input()` reads /dev/null), and descriptor 1 is
/// pointed at the diagnostics pipe (descriptor 2) so that C code writing to "stdout"
/// cannot corrupt a frame.
struct WorkerStreams {
    /// The protocol socket (close-on-exec).
    let socket: Int32
    /// The host's diagnostics pipe, kept to restore descriptors 1 and 2.
    private let diagnostics: Int32
    /// /dev/null, kept to restore descriptor 0.
    private let nullInput: Int32

    /// Takes over the process's descriptors and signals; nil if the descriptors the host
    /// should have passed are missing.
    static func take() -> WorkerStreams? {
        // Its own process group, so that the host ends the worker and anything it started
        // with one kill(-pid), and terminal signals meant for the host miss it. Foundation's
        // spawn already makes it a group leader (setsid then fails, harmlessly); a worker
        // started another way gets a new session.
        _ = setsid()
        // Dispatch threads block some signals and a spawned child inherits the mask;
        // SIGXCPU must get through for the CPU limit to work.
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        // Writing to a closed pipe or past RLIMIT_FSIZE is an error the code sees
        // (BrokenPipeError, "File too large"), not the end of the process.
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)

        let socket = fcntl(0, F_DUPFD_CLOEXEC, 64)
        let diagnostics = fcntl(2, F_DUPFD_CLOEXEC, 64)
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard socket >= 0, diagnostics >= 0, null >= 0 else { return nil }
        let nullInput = fcntl(null, F_DUPFD_CLOEXEC, 64)
        close(null)
        guard nullInput >= 0 else { return nil }
        let streams = WorkerStreams(socket: socket, diagnostics: diagnostics, nullInput: nullInput)
        streams.restore()
        return streams
    }

    /// Points descriptors 0, 1 and 2 where they belong again (the code may have closed
    /// or replaced them).
    func restore() {
        dup2(nullInput, 0)
        dup2(diagnostics, 1)
        dup2(diagnostics, 2)
    }
}
