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

    @Test("a worker whose host is killed ends itself")
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
        input.fileHandleForWriting.write(Data("import os, time\nopen('pid', 'w').write(str(os.getpid()))\ntime.sleep(600)".utf8))
        try input.fileHandleForWriting.close()
        var workerPID: Int32?
        for _ in 0..<200 where workerPID == nil {
            try await Task.sleep(for: .milliseconds(50))
            workerPID = (try? String(contentsOfFile: folder + "/pid", encoding: .utf8)).flatMap { Int32($0) }
        }
        let pid = try #require(workerPID)
        kill(host.processIdentifier, SIGKILL)
        host.waitUntilExit()
        var gone = false
        for _ in 0..<100 where !gone {
            try await Task.sleep(for: .milliseconds(100))
            // Gone, or a zombie waiting for a reaper that may not exist in a container.
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
            gone = kill(pid, 0) != 0 || state == "Z"
        }
        #expect(gone)
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
