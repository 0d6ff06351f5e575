#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the machine.
enum System {
    static var activeProcessorCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Threads for the matrix products: one per processor (this engine's loops are
    /// memory-bound, so hyper-threads add little but cost nothing either).
    static var defaultThreadCount: Int { max(1, activeProcessorCount) }

    /// Physical memory in bytes.
    static var physicalMemory: Int {
        Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
