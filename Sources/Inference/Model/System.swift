import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the machine.
enum System {
    static var activeProcessorCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Threads for the matrix products: one per physical core — two hyper-threads
    /// of one core share its load and multiply units, and its memory bandwidth.
    static var defaultThreadCount: Int { max(1, min(physicalCoreCount ?? activeProcessorCount, activeProcessorCount)) }

    /// Distinct (package, core) pairs among the online processors, from sysfs.
    static var physicalCoreCount: Int? {
        var cores = Set<String>()
        for cpu in 0..<activeProcessorCount {
            let base = "/sys/devices/system/cpu/cpu\(cpu)/topology/"
            guard let core = readFirstLine(base + "core_id") else { return nil }
            cores.insert((readFirstLine(base + "physical_package_id") ?? "0") + "/" + core)
        }
        return cores.isEmpty ? nil : cores.count
    }

    private static func readFirstLine(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, 64, file) != nil else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Physical memory in bytes.
    static var physicalMemory: Int {
        Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
