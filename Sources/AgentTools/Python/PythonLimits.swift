/// What the Python tool lets one piece of code use. The wall-clock limit is enforced by
/// the host (it kills the worker process group); the others are kernel resource limits
/// (`setrlimit`) set inside the worker, plus the output caps kept by the worker's
/// capturing streams.
public struct PythonLimits: Sendable, Equatable {
    /// Wall-clock time for one call; past it the worker is killed and its state is lost.
    /// A `ToolContext.deadline` that comes sooner wins.
    public var timeout: Duration
    /// CPU time for one call (all threads). Past it the kernel stops the worker (SIGXCPU).
    /// With one busy thread the wall-clock limit comes first; this one stops code that
    /// burns several cores at once.
    public var cpuTime: Duration
    /// Address space of the worker (RLIMIT_AS), in bytes: the interpreter with numpy and
    /// matplotlib loaded takes about 260 MiB of it before the code allocates anything.
    public var addressSpaceBytes: UInt64
    /// RLIMIT_NPROC: processes and threads of the user, counted by the kernel for all the
    /// user's processes. Not enforced for root; starting processes is refused anyway.
    public var processes: UInt64
    /// RLIMIT_NOFILE: open file descriptors.
    public var openFiles: UInt64
    /// RLIMIT_FSIZE: the largest file the code may write, in bytes.
    public var fileSizeBytes: UInt64
    /// How many characters of standard output (and, separately, of standard error) the
    /// model reads; the rest is cut with a note.
    public var outputCharacters: Int
    /// How many characters the code may print in one call before it is stopped.
    public var stopAfterCharacters: Int
    /// How long a new worker may take to start (import numpy and matplotlib).
    public var startupTimeout: Duration

    /// Limits with the given values; a nil `cpuTime` is the same as `timeout`.
    public init(
        timeout: Duration = .seconds(30),
        cpuTime: Duration? = nil,
        addressSpaceBytes: UInt64 = 4 << 30,
        processes: UInt64 = 1024,
        openFiles: UInt64 = 256,
        fileSizeBytes: UInt64 = 256 << 20,
        outputCharacters: Int = 8_000,
        stopAfterCharacters: Int = 1_000_000,
        startupTimeout: Duration = .seconds(60)
    ) {
        self.timeout = timeout
        self.cpuTime = cpuTime ?? timeout
        self.addressSpaceBytes = addressSpaceBytes
        self.processes = processes
        self.openFiles = openFiles
        self.fileSizeBytes = fileSizeBytes
        self.outputCharacters = outputCharacters
        self.stopAfterCharacters = stopAfterCharacters
        self.startupTimeout = startupTimeout
    }
}
