import CSandbox
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The inner stage of a sandboxed worker: inside the new namespaces, as their root, it
/// builds the file system the code will see and then gives up every privilege.
///
/// The new root is an empty tmpfs holding, at the same paths as on the host:
///
///     /usr            the system's programs, libraries and Python (read-only)
///     /bin /lib …     the same links (or read-only folders) as on the host
///     /etc/…          a few named files: matplotlib's settings, the loader's cache, the
///                     time zone, Python's site settings; with network also the
///                     resolver's files and the CA certificates (read-only)
///     /dev/null …     null, zero, full, random, urandom
///     /tmp            a private tmpfs of bounded size
///     session, output folders   writable, the only places that are
///
/// and nothing else: no `/proc` (so no host processes or environments), no home
/// folder, no other files of the user's. The old root is detached, the new root made
/// read-only, and the capabilities dropped for good (`csb_drop_privileges`): the code
/// cannot mount, unmount or remount anything, so what it sees is what it gets.
enum SandboxFileSystem {
    /// Entries of /etc shown in every sandbox: what Python, numpy and matplotlib read.
    static let etcEntries = [
        "matplotlibrc", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "fonts", "python3", "python3.11",
        // Debian's alternatives: libblas.so.3 and liblapack.so.3 are links through here.
        "alternatives",
    ]
    /// Entries of /etc shown when the network is allowed: name resolution and TLS.
    static let networkEtcEntries = [
        "resolv.conf", "hosts", "nsswitch.conf", "gai.conf", "host.conf", "services", "protocols", "ssl",
        "ca-certificates", "ca-certificates.conf",
    ]
    static let devices = ["null", "zero", "full", "random", "urandom"]

    /// Builds the view and drops privileges; throws with what failed.
    static func enter(_ launch: WorkerLaunch) throws(SandboxRefusal) {
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
        guard threads == 1 else { throw SandboxRefusal("the worker has \(threads) threads before the sandbox is built; capabilities are per thread") }

        // What to show, opened now: the new root will hide the old paths.
        // The system's folders are shown with what is mounted below them; the session's
        // folders alone (a folder that holds the new root's mount point, /tmp, would
        // otherwise show the new root again, read-only).
        var binds: [(source: Int32, target: String, writable: Bool, isDirectory: Bool, recursive: Bool)] = []
        func show(_ path: String, writable: Bool, recursive: Bool = false) {
            var info = stat()
            guard stat(path, &info) == 0 else { return }
            let descriptor = csb_open_path(path)
            guard descriptor >= 0 else { return }
            binds.append((descriptor, path, writable, (info.st_mode & S_IFMT) == S_IFDIR, recursive))
        }
        if let root = launch.writable.first(where: { $0 == "/" }) {
            throw SandboxRefusal("the whole file system (\(root)) cannot be the writable folder of sandboxed code")
        }
        var links: [(path: String, destination: String)] = []
        for top in ["usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32"] {
            let path = "/" + top
            if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                links.append((path, destination))
            } else {
                show(path, writable: false, recursive: true)
            }
        }
        for entry in etcEntries + (launch.network ? networkEtcEntries : []) { show("/etc/" + entry, writable: false) }
        for device in devices { show("/dev/" + device, writable: false) }
        for folder in launch.readOnly { show(folder, writable: false) }
        for folder in launch.writable { show(folder, writable: true) }
        defer { binds.forEach { close($0.source) } }

        let root = "/tmp"
        try check(mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil), "making the mounts private")
        try check(mount("tmpfs", root, "tmpfs", UInt(MS_NOSUID | MS_NODEV), "mode=0755,size=16m"), "mounting the new root")
        // The private /tmp first: a session folder under /tmp is shown on top of it.
        try check(mkdir(root + "/tmp", 0o755), "making /tmp")
        try check(mount("tmpfs", root + "/tmp", "tmpfs", UInt(MS_NOSUID | MS_NODEV), "mode=1777,size=\(launch.temporaryBytes)"), "mounting /tmp")
        for link in links { try check(symlink(link.destination, root + link.path), "linking \(link.path)") }
        for bind in binds {
            let target = root + bind.target
            try makeParents(of: target)
            if bind.isDirectory {
                if mkdir(target, 0o755) != 0 && errno != EEXIST { throw failure("making \(bind.target)") }
            } else {
                let file = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
                guard file >= 0 else { throw failure("making \(bind.target)") }
                close(file)
            }
            let flags = UInt(MS_BIND | (bind.recursive ? MS_REC : 0))
            try check(mount("/proc/self/fd/\(bind.source)", target, nil, flags, nil), "showing \(bind.target)")
            if bind.writable {
                try check(mount(nil, target, nil, UInt(MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV), nil), "limiting \(bind.target)")
            } else if bind.target.hasPrefix("/dev/") {
                try check(mount(nil, target, nil, UInt(MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID), nil), "limiting \(bind.target)")
            } else {
                try check(csb_make_read_only(target), "making \(bind.target) read-only")
            }
        }

        try check(mkdir(root + "/.old", 0o700), "making the old root's mount point")
        try check(csb_pivot_root(root, root + "/.old"), "pivot_root")
        try check(chdir("/"), "chdir /")
        try check(umount2("/.old", Int32(MNT_DETACH)), "detaching the old root")
        try check(rmdir("/.old"), "removing the old root's mount point")
        try check(mount(nil, "/", nil, UInt(MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV), nil), "making the root read-only")
        if let folder = launch.writable.first { try check(chdir(folder), "chdir \(folder)") }

        let dropped = csb_drop_privileges()
        guard dropped == 0 else { throw SandboxRefusal("dropping capabilities: \(String(cString: strerror(dropped)))") }
        guard csb_effective_capabilities() == 0 else { throw SandboxRefusal("capabilities remained after dropping them") }
        privateMatplotlibCache(readOnly: launch.readOnly)
    }

    /// matplotlib treats a configuration folder it cannot write as missing and rebuilds
    /// its font cache in a new temporary folder at every start (half a second). When the
    /// shared cache is shown read-only, a copy in the private /tmp serves instead.
    private static func privateMatplotlibCache(readOnly: [String]) {
        guard let shared = ProcessInfo.processInfo.environment["MPLCONFIGDIR"], readOnly.contains(shared) else { return }
        let copy = "/tmp/matplotlib"
        let files = FileManager.default
        guard (try? files.copyItem(atPath: shared, toPath: copy)) != nil else { return }
        setenv("MPLCONFIGDIR", copy, 1)
    }

    /// mkdir -p of `path`'s parent folders (inside the new root, owned by us).
    private static func makeParents(of path: String) throws(SandboxRefusal) {
        var current = ""
        for component in path.split(separator: "/").dropLast() {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST { throw failure("making \(current)") }
        }
    }

    private static func check(_ result: Int32, _ what: String) throws(SandboxRefusal) {
        if result != 0 { throw failure(what) }
    }

    private static func failure(_ what: String) -> SandboxRefusal {
        SandboxRefusal("\(what): \(String(cString: strerror(errno)))")
    }
}
