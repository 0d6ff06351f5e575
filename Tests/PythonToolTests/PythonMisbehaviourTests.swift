import AgentTools
import Foundation
import Testing

extension PythonTool {
    /// Whatever the code does, the host keeps running, reports what happened in one clear
    /// line, and the next call works. "State kept" or "state lost" is checked with a
    /// variable set before the misbehaviour.
    struct PythonMisbehaviourTests {
        typealias Support = PythonTesting
        static let lostLine = "; the Python state (variables) was lost"

        /// Sets `marker`, runs `code`, returns its result and whether `marker` survived;
        /// then checks that the session works.
        private func misbehave(
            _ code: String, runner: PythonRunner = Support.runner(), deadline seconds: Double? = nil,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> (result: ToolResult, stateKept: Bool) {
            #expect(try await runner.run("marker = 'set before'") == ToolResult(text: "(no output)"), sourceLocation: sourceLocation)
            let result = try await runner.run(code, context: seconds.map(Support.deadline) ?? ToolContext())
            let marker = try await runner.run("marker")
            try await runner.expectWorks(sourceLocation: sourceLocation)
            await runner.stop()
            return (result, marker.text == "'set before'")
        }

        @Test("an infinite loop is stopped at the deadline; the state is lost and the next call works")
        func infiniteLoop() async throws {
            let clock = ContinuousClock()
            let start = clock.now
            let (result, kept) = try await misbehave("while True:\n    pass", deadline: 1.5)
            #expect(result == ToolResult(text: "error: the code ran past the 1.5 s limit and was stopped" + Self.lostLine, ok: false))
            #expect(!kept)
            #expect(clock.now - start < .seconds(30))
        }

        @Test("time.sleep(1e6) is stopped at the runner's own wall-clock limit")
        func sleepForever() async throws {
            let runner = Support.runner(limits: PythonLimits(timeout: .seconds(3)))
            let (result, kept) = try await misbehave("import time\ntime.sleep(1e6)", runner: runner)
            #expect(result.text == "error: the code ran past the 3 s limit and was stopped" + Self.lostLine)
            #expect(!result.ok)
            #expect(!kept)
        }

        @Test("a loop past the CPU time limit is stopped by the kernel (SIGXCPU)")
        func cpuTime() async throws {
            let runner = Support.runner(limits: PythonLimits(timeout: .seconds(60), cpuTime: .seconds(1)))
            let (result, kept) = try await misbehave("n = 0\nwhile True:\n    n += 1", runner: runner)
            #expect(result == ToolResult(text: "error: the code used more than 1 s of CPU time and was stopped" + Self.lostLine, ok: false))
            #expect(!kept)
        }

        @Test("allocating 100 GB is a MemoryError under the address-space limit; the state is kept")
        func hugeAllocation() async throws {
            let (result, kept) = try await misbehave("x = bytearray(100 * 2**30)")
            #expect(!result.ok)
            #expect(result.text.hasPrefix("error: Traceback (most recent call last):\n  File \"<cell 2>\", line 1, in <module>"))
            #expect(result.text.hasSuffix("\nMemoryError\nnote: the code may use 4 GiB of memory (address space) in all"))
            #expect(kept)

            let (numpy, numpyKept) = try await misbehave("import numpy as np\nx = np.ones(100 * 2**30 // 8)")
            #expect(numpy.text.contains("Unable to allocate 100. GiB"))
            #expect(numpyKept)
        }

        @Test("a fork bomb is refused at the first fork, in every spelling; the state is kept")
        func forkBomb() async throws {
            let (result, kept) = try await misbehave("import os\nwhile True:\n    os.fork()")
            #expect(!result.ok)
            #expect(result.text.hasSuffix("\nPermissionError: os.fork: starting other processes is not allowed in this Python tool"))
            #expect(!result.text.contains("ponder worker"), "the worker's own frames are hidden")
            #expect(kept)

            let spellings = [
                "import subprocess\nsubprocess.run(['sh', '-c', ':(){ :|:& };:'])": "subprocess.Popen: starting other processes",
                "import os\nos.system('true')": "os.system: starting other processes",
                "import multiprocessing\nmultiprocessing.Process(target=print).start()": "os.fork: starting other processes",
                "import os\nos.posix_spawn('/bin/true', ['true'], {})": "os.posix_spawn: starting other processes",
                "import os\nos.execv('/bin/true', ['true'])": "os.exec: starting other processes",
                "import ctypes\nctypes.CDLL(None).fork()": "ctypes: fork is not allowed",
                "import os\nos.kill(os.getppid(), 9)": "os.kill: signalling other processes is not allowed",
                "import resource\nresource.setrlimit(resource.RLIMIT_AS, (-1, -1))": "resource.setrlimit: the resource limits are fixed",
            ]
            let runner = Support.runner()
            for (code, refusal) in spellings {
                let result = try await runner.run(code)
                #expect(!result.ok, "\(code)")
                #expect(result.text.contains("PermissionError: \(refusal)"), "\(code): \(result.text)")
            }
            try await runner.expectWorks()
            await runner.stop()
        }

        @Test("os._exit ends the worker: reported with its status, the state is lost")
        func osExit() async throws {
            let (result, kept) = try await misbehave("import os\nos._exit(3)")
            #expect(result == ToolResult(text: "error: the Python process exited with status 3" + Self.lostLine, ok: false))
            #expect(!kept)
        }

        @Test("sys.exit is caught: reported with its code, the state is kept")
        func sysExit() async throws {
            let (result, kept) = try await misbehave("import sys\nprint('bye')\nsys.exit(4)")
            #expect(result == ToolResult(text: "bye\nerror: the code called sys.exit(4); the Python state (variables) is kept", ok: false))
            #expect(kept)
            let (zero, _) = try await misbehave("import sys\nsys.exit(0)")
            #expect(zero == ToolResult(text: "note: the code called sys.exit(0); the Python state (variables) is kept"))
            let (builtin, _) = try await misbehave("exit()")
            #expect(builtin.text == "note: the code called sys.exit(); the Python state (variables) is kept")
        }

        @Test("a segmentation fault through ctypes crashes only the worker")
        func segfault() async throws {
            let (result, kept) = try await misbehave("import ctypes\nctypes.string_at(0)")
            #expect(result == ToolResult(text: "error: the Python process crashed (segmentation fault)" + Self.lostLine, ok: false))
            #expect(!kept)
            let (abort, _) = try await misbehave("import os\nos.abort()")
            #expect(abort.text == "error: the Python process crashed (aborted)" + Self.lostLine)
        }

        @Test("printing a gigabyte is cut to the output cap and stopped; the state is kept")
        func printGigabyte() async throws {
            let (result, kept) = try await misbehave("for _ in range(1000):\n    print('x' * 1_000_000)")
            let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3)
            #expect(lines.first == Substring(String(repeating: "x", count: 8_000)))
            #expect(lines.dropFirst().first?.hasPrefix("[… ") == true)
            #expect(lines.dropFirst().first?.hasSuffix(" more characters of output cut]") == true)
            #expect(lines.last == "error: the code printed more than 1,000,000 characters and was stopped; the Python state (variables) is kept")
            #expect(!result.ok)
            #expect(kept)
        }

        @Test("a gigabyte written to descriptor 1 directly goes to the diagnostics pipe, not the protocol")
        func rawGigabyte() async throws {
            let (result, kept) = try await misbehave("import os\nos.write(1, b'x' * 10**9)\nprint('done')")
            #expect(result == ToolResult(text: "done"))
            #expect(kept)
        }

        @Test("closing descriptors 1 and 2 changes nothing for print or for the next call")
        func closeStandardOutput() async throws {
            let (result, kept) = try await misbehave("import os\nos.close(1)\nos.close(2)\nprint('printed anyway')")
            #expect(result == ToolResult(text: "printed anyway"))
            #expect(kept)
            let runner = Support.runner()
            _ = try await runner.run("import os\nos.close(1)")
            #expect(try await runner.run("import os\nos.write(1, b'raw\\n')\nprint('next')") == ToolResult(text: "next"))
            await runner.stop()
        }

        @Test("too many open files and a too-large file are errors the code sees")
        func fileLimits() async throws {
            let (files, filesKept) = try await misbehave("import os\nhandles = [open(os.devnull) for _ in range(10_000)]")
            #expect(files.text.hasSuffix("OSError: [Errno 24] Too many open files: '/dev/null'"), "\(files.text)")
            #expect(filesKept)
            let small = Support.runner(limits: PythonLimits(timeout: .seconds(60), fileSizeBytes: 1 << 20))
            let (size, sizeKept) = try await misbehave("with open('big.bin', 'wb') as f:\n    f.write(b'x' * (2 << 20))", runner: small)
            #expect(size.text.contains("File too large"), "\(size.text)")
            #expect(sizeKept)
        }

        @Test("a worker killed between calls: the next call runs on a new one and says the state was lost")
        func killedWhileIdle() async throws {
            // Without the sandbox, so that the pid the code sees is the one the test can kill.
            let runner = PythonRunner(configuration: PythonConfiguration(
                workerCommand: [Support.ponderBinary, "python-worker"], limits: PythonLimits(timeout: .seconds(60)),
                sessionDirectory: Support.temporaryFolder(), isolation: .processOnly))
            let pidText = try await runner.run("x = 1\nimport os\nos.getpid()").text
            let pid = try #require(Int32(pidText))
            kill(pid, SIGKILL)
            for _ in 0..<100 where kill(pid, 0) == 0 { try await Task.sleep(for: .milliseconds(50)) }
            try await Task.sleep(for: .milliseconds(200))
            let result = try await runner.run("print('hello')")
            #expect(result == ToolResult(text: """
                note: the Python process was killed (SIGKILL) after the last call; the Python state (variables) was lost
                hello
                """))
            #expect(try await runner.run("x").text.hasSuffix("NameError: name 'x' is not defined"))
            await runner.stop()
        }
    }
}
