import Foundation
import Testing

/// `ponder tool python FILE|-` prints what the model would read.
struct PythonCommandTests {
    typealias CLI = CommandLineTests

    @Test("code from standard input: output and value on standard output, exit code 0")
    func standardInput() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-cli-python-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLI.run(["tool", "python", "-"], input: "print('hello')\nsum(range(10))", directory: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "hello\n45\n")
        #expect(result.standardError.isEmpty)
    }

    @Test("a file of code that plots: the figure is saved in --output-dir and named")
    func fileAndFigure() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-cli-python-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = folder + "/plot.py"
        try Data("import matplotlib.pyplot as plt\nplt.plot([1, 4, 9])\n".utf8).write(to: URL(fileURLWithPath: script))
        let result = try await CLI.run(["tool", "python", script, "--output-dir", folder + "/out"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "figure saved: \(folder)/out/figure-1.png\n")
        #expect(FileManager.default.fileExists(atPath: "\(folder)/out/figure-1.png"))
    }

    @Test("a worker whose host is killed ends itself, with every process of its sandbox")
    func orphanedWorker() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-cli-python-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let host = Process()
        host.executableURL = CLI.productsDirectory.appendingPathComponent("ponder")
        host.arguments = ["tool", "python", "--output-dir", folder, "-"]
        let input = Pipe()
        host.standardInput = input
        host.standardOutput = FileHandle.nullDevice
        try host.run()
        input.fileHandleForWriting.write(Data("import time\nopen('started', 'w').write('yes')\ntime.sleep(600)".utf8))
        try input.fileHandleForWriting.close()
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: folder + "/started") {
            try await Task.sleep(for: .milliseconds(50))
        }
        // The worker, and in the sandbox its namespace's init and the Python process.
        let workers = Self.descendants(of: host.processIdentifier)
        #expect(workers.count >= 1)
        kill(host.processIdentifier, SIGKILL)
        host.waitUntilExit()
        var left = workers
        for _ in 0..<100 where !left.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            // Gone, or a zombie waiting for a reaper that may not exist in a container.
            left = left.filter { pid in
                let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
                return kill(pid, 0) == 0 && state != "Z"
            }
        }
        #expect(left.isEmpty, "still running: \(left)")
    }

    @Test("--check reports the kernel sandbox; where the kernel refuses namespaces it warns once and exits 1")
    func sandboxCheck() async throws {
        let folder = FileManager.default.temporaryDirectory
        let check = try await CLI.run(["tool", "python", "--check"], directory: folder)
        #expect(check.status == 0, "\(check.standardError)")
        #expect(check.standardOutput.hasPrefix("isolation: kernel sandbox ("), "\(check.standardOutput)")
        #expect(check.standardOutput.contains("no network"))
        // A user namespace whose limit of nested user namespaces is 0: the kernel refuses.
        let ponder = CLI.productsDirectory.appendingPathComponent("ponder").path
        let script = "echo 0 > /proc/sys/user/max_user_namespaces && '\(ponder)' tool python --check; echo status $?; echo 'print(6 * 7)' | '\(ponder)' tool python -"
        let refused = try await CLI.run(["-r", "sh", "-c", script], binary: "/usr/bin/unshare", directory: folder)
        #expect(refused.standardOutput.contains("isolation: process isolation only: the kernel refused"), "\(refused.standardOutput)")
        #expect(refused.standardOutput.contains("status 1\n42\n"), "\(refused.standardOutput)")
        let warnings = refused.standardError.components(separatedBy: "warning: Python tool: process isolation only").count - 1
        #expect(warnings == 2, "one warning per process: \(refused.standardError)")
        #expect(refused.standardError.contains("user.max_user_namespaces"))
    }

    /// Every process below `pid`, from the parent links in /proc.
    static func descendants(of pid: Int32) -> [Int32] {
        var parents: [Int32: Int32] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let child = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { parents[child] = parent }
        }
        var found: [Int32] = []
        var frontier = [pid]
        while let next = frontier.popLast() {
            let children = parents.filter { $0.value == next }.map(\.key)
            found += children
            frontier += children
        }
        return found
    }

    @Test("an error or a runaway is printed as the model sees it, exit code 1; usage errors exit 2")
    func errors() async throws {
        let folder = FileManager.default.temporaryDirectory
        let failing = try await CLI.run(["tool", "python", "-"], input: "1/0", directory: folder)
        #expect(failing.status == 1)
        #expect(failing.standardOutput.hasSuffix("ZeroDivisionError: division by zero\n"))
        let sleeping = try await CLI.run(["tool", "python", "--timeout", "1", "-"], input: "import time\ntime.sleep(60)", directory: folder)
        #expect(sleeping.status == 1)
        #expect(sleeping.standardOutput == "error: the code ran past the 1 s limit and was stopped; the Python state (variables) was lost\n")
        #expect(try await CLI.run(["tool", "python"]).status == 2)
        #expect(try await CLI.run(["tool", "python", "--timeout", "0", "-"]).status == 2)
        let missing = try await CLI.run(["tool", "python", "/nonexistent.py"])
        #expect(missing.status == 1)
        #expect(missing.standardError == "error: cannot read /nonexistent.py\n")
        #expect(try await CLI.run(["tool", "--help"]).standardOutput.contains("python"))
        #expect(!(try await CLI.run(["--help"]).standardOutput.contains("python-worker")))
    }
}
