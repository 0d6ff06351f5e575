import AgentTools
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension PythonTool {
    /// The attacks of the security review, written as the code a model could be talked
    /// into running: each must fail against the kernel sandbox, the host must survive,
    /// and nothing may escape or leak. These tests need a kernel that allows user
    /// namespaces (Debian's does, as root and as a user); where it refuses, the first
    /// test says so instead of passing quietly.
    struct PythonSandboxTests {
        typealias Support = PythonTesting

        private func sandboxed(network: Bool = false, folder: String? = nil, limits: PythonLimits = PythonLimits(timeout: .seconds(60))) -> PythonRunner {
            PythonRunner(configuration: PythonConfiguration(
                workerCommand: [Support.ponderBinary, "python-worker"], limits: limits,
                sessionDirectory: folder ?? Support.temporaryFolder(), isolation: .sandbox(network: network)))
        }

        @Test("the worker reports the kernel sandbox in force, without network by default")
        func statusReported() async throws {
            let runner = sandboxed()
            try await runner.waitUntilReady()
            #expect(await runner.sandboxStatus == .sandboxed(network: false))
            await runner.stop()
            let open = sandboxed(network: true)
            try await open.waitUntilReady()
            #expect(await open.sandboxStatus == .sandboxed(network: true))
            await open.stop()
        }

        @Test("pidfd_send_signal to the parent cannot kill the host: the host's /proc is not there")
        func killHostThroughPidfd() async throws {
            let runner = sandboxed()
            let result = try await runner.run("""
                import os, signal
                signal.pidfd_send_signal(os.open("/proc/%d" % os.getppid(), os.O_RDONLY), 9)
                """)
            #expect(!result.ok)
            #expect(result.text.contains("FileNotFoundError"), "\(result.text)")
            // Killing anything by number: the host's pid does not exist in the namespace.
            let kill = try await runner.run("import os\nos.getpid(), os.getppid()")
            #expect(kill.text == "(2, 1)", "the worker is the second process of its own PID namespace")
            try await runner.expectWorks()
            await runner.stop()
        }

        @Test("a process started with setsid through _posixsubprocess dies with the worker at the deadline")
        func forkExecEscape() async throws {
            let folder = Support.temporaryFolder()
            let runner = sandboxed(folder: folder)
            let marker = folder + "/escaped"
            try await runner.waitUntilReady()
            let result = try await runner.run("""
                import _posixsubprocess, os
                r, w = os.pipe()
                _posixsubprocess.fork_exec(
                    [b"/bin/sh", b"-c", b"sleep 3; echo out > \(marker)"], [b"/bin/sh"], True, (), None, None,
                    -1, -1, -1, -1, -1, -1, r, w, True, True, -1, None, None, None, -1, None, False)
                import time
                time.sleep(60)
                """, context: Support.deadline(1.5))
            #expect(result.text.contains("ran past the 1.5 s limit"), "\(result.text)")
            try await Task.sleep(for: .seconds(4))
            #expect(!FileManager.default.fileExists(atPath: marker), "the escaped process outlived the worker")
            await runner.stop()
        }

        @Test("the host's environment and command line cannot be read through /proc")
        func hostSecrets() async throws {
            setenv("PONDER_SANDBOX_TEST_SECRET", "hunter2-secret", 1)
            defer { unsetenv("PONDER_SANDBOX_TEST_SECRET") }
            let runner = sandboxed()
            let result = try await runner.run("""
                import os
                found = []
                for pid in [os.getppid(), 1] + list(range(1, 200)):
                    for name in ("environ", "cmdline"):
                        try:
                            found.append(open("/proc/%d/%s" % (pid, name), "rb").read())
                        except OSError:
                            pass
                print(len(found), os.path.exists("/proc"), sorted(os.environ))
                """)
            #expect(result.ok, "\(result.text)")
            #expect(!result.text.contains("hunter2"))
            #expect(result.text.hasPrefix("0 False"), "\(result.text)")
            await runner.stop()
        }

        @Test("without --python-network a server on 127.0.0.1 cannot be reached; with it, it can")
        func network() async throws {
            let server = try LoopbackListener()
            defer { server.close() }
            let code = """
                import socket
                try:
                    socket.create_connection(("127.0.0.1", \(server.port)), timeout=5).close()
                    print("connected")
                except OSError as error:
                    print("refused:", type(error).__name__)
                """
            let closed = sandboxed()
            let refused = try await closed.run(code)
            #expect(refused.text.hasPrefix("refused:"), "\(refused.text)")
            await closed.stop()
            let open = sandboxed(network: true)
            #expect(try await open.run(code).text == "connected")
            await open.stop()
        }

        @Test("the file system is read-only outside the session folder; /tmp is private; /etc/shadow is not there")
        func fileSystem() async throws {
            let folder = Support.temporaryFolder()
            let outside = Support.temporaryFolder()
            let runner = sandboxed(folder: folder)
            let result = try await runner.run("""
                import os
                def attempt(path):
                    try:
                        with open(path, "w") as file:
                            file.write("x")
                        return "wrote"
                    except OSError as error:
                        return type(error).__name__
                print(attempt("\(outside)/planted"), attempt("/usr/planted"), attempt("/etc/planted"))
                print(attempt("/tmp/private-file"), attempt("\(folder)/mine.txt"))
                try:
                    open("/etc/shadow").read()
                    print("shadow read")
                except OSError as error:
                    print("shadow:", type(error).__name__)
                print(sorted(os.listdir("/")))
                """)
            let lines = result.text.split(separator: "\n").map(String.init)
            #expect(lines.count == 4, "\(result.text)")
            guard lines.count == 4 else { return }
            #expect(!lines[0].contains("wrote"), "\(lines[0])")
            #expect(lines[1] == "wrote wrote")
            #expect(lines[2] == "shadow: FileNotFoundError")
            for hidden in ["'proc'", "'home'", "'var'", "'opt'", "'srv'", "'run'"] {
                #expect(!lines[3].contains(hidden), "\(lines[3])")
            }
            #expect(!FileManager.default.fileExists(atPath: outside + "/planted"))
            #expect(!FileManager.default.fileExists(atPath: "/tmp/private-file"))
            #expect(FileManager.default.fileExists(atPath: folder + "/mine.txt"))
            await runner.stop()
        }

        @Test("a namespace of the code's own gains nothing: the read-only mounts stay locked, no /proc can be mounted")
        func nestedNamespace() async throws {
            let runner = sandboxed()
            let result = try await runner.run("""
                import ctypes, os
                libc = ctypes.CDLL(None, use_errno=True)
                def attempt(value):
                    return "ok" if value == 0 else os.strerror(ctypes.get_errno())
                print(attempt(libc.unshare(0x10000000 | 0x00020000)))  # CLONE_NEWUSER | CLONE_NEWNS
                print(attempt(libc.mount(None, b"/usr", None, 32 | 4096, None)))  # MS_REMOUNT | MS_BIND: read-write
                os.makedirs("/tmp/p", exist_ok=True)
                print(attempt(libc.mount(b"proc", b"/tmp/p", b"proc", 0, None)))
                print(attempt(libc.umount2(b"/usr", 2)))
                try:
                    open("/usr/planted", "w")
                    print("wrote /usr")
                except OSError as error:
                    print(error.strerror)
                """)
            #expect(result.text == """
                ok
                Operation not permitted
                Operation not permitted
                Invalid argument
                Read-only file system
                """, "\(result.text)")
            await runner.stop()
        }

        @Test("a reply the code writes to the protocol socket itself is refused, not printed")
        func forgedReply() async throws {
            let runner = sandboxed()
            let result = try await runner.run("""
                import json, os, socket, stat, struct
                body = json.dumps({"stdout": "FORGED BY THE CODE", "stdoutCut": 0, "stderr": "", "stderrCut": 0,
                                   "outputStopped": False, "figures": ["/etc/passwd"]}).encode()
                for token in (None, "guess"):
                    frame = json.dumps({"token": token, "reply": json.loads(body)}).encode()
                    for fd in range(3, 256):
                        try:
                            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                                os.write(fd, struct.pack(">I", len(frame)) + frame)
                        except OSError:
                            pass
                import time
                time.sleep(0.5)
                """)
            #expect(!result.text.contains("FORGED"), "\(result.text)")
            #expect(!result.text.contains("/etc/passwd"))
            #expect(!result.ok)
            #expect(result.text.contains("token"), "\(result.text)")
            try await runner.expectWorks()
            await runner.stop()
        }

        @Test("figures are saved in the output folder through the sandbox, and the plot tool still works")
        func figures() async throws {
            let folder = Support.temporaryFolder()
            let runner = sandboxed(folder: folder)
            let result = try await runner.run("import matplotlib.pyplot as plt\nplt.bar(['a', 'b'], [3, 5])")
            #expect(result.files == [folder + "/figure-1.png"], "\(result.text)")
            #expect(FileManager.default.fileExists(atPath: folder + "/figure-1.png"))
            await runner.stop()
        }
    }
}

/// A TCP listener on 127.0.0.1 with a port the kernel chose; it accepts nothing, the
/// kernel completes connections into its backlog.
struct LoopbackListener {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 16) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        port = UInt16(bigEndian: address.sin_port)
    }

    func close() { _ = Glibc.close(descriptor) }
}
