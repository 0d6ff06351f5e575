import AgentTools
import Foundation
import Testing

extension PythonTool {
    /// The Python tool as the model uses it: output, values, errors, a session that keeps
    /// its variables, reset, deadlines, cancellation.
    struct PythonRunnerTests {
        typealias Support = PythonTesting

        @Test("the tool's name and one-line description")
        func identity() {
            let tool: any Tool = Support.runner()
            #expect(tool.name == "python")
            #expect(!tool.description.isEmpty)
            #expect(!tool.description.contains("\n"))
        }

        @Test("printed text, then the value of a final expression; a value of None is not shown")
        func outputAndValue() async throws {
            let runner = Support.runner()
            #expect(try await runner.run("print('hello')\n6 * 7") == ToolResult(text: "hello\n42"))
            #expect(try await runner.run("import numpy as np\nnp.arange(4).sum()") == ToolResult(text: "6"))
            #expect(try await runner.run("None") == ToolResult(text: "(no output)"))
            #expect(try await runner.run("x = 'text'\nx") == ToolResult(text: "'text'"))
            #expect(try await runner.run("'π ≈ %.4f' % 3.14159") == ToolResult(text: "'π ≈ 3.1416'"))
            #expect(try await runner.run("import sys\nsys.stdout.buffer.write(b'bytes\\n')\nprint('\\ud800')") == ToolResult(text: "bytes\n?"))
            await runner.stop()
        }

        @Test("standard error is labelled; warnings land there")
        func standardError() async throws {
            let runner = Support.runner()
            let result = try await runner.run("import sys, warnings\nprint('out')\nprint('err', file=sys.stderr)\nwarnings.warn('careful')")
            #expect(result.ok)
            #expect(result.text.hasPrefix("out\nstderr:\nerr\n"))
            #expect(result.text.contains("UserWarning: careful"))
            await runner.stop()
        }

        @Test("an exception is the traceback, our frames hidden, with the code's own lines")
        func exception() async throws {
            let runner = Support.runner()
            let result = try await runner.run("def f(x):\n    return 1 / x\nprint('before')\nf(0)")
            #expect(result == ToolResult(text: """
                before
                error: Traceback (most recent call last):
                  File "<cell 1>", line 4, in <module>
                    f(0)
                  File "<cell 1>", line 2, in f
                    return 1 / x
                           ~~^~~
                ZeroDivisionError: division by zero
                """, ok: false))
            let syntax = try await runner.run("print('unclosed'")
            #expect(!syntax.ok)
            #expect(syntax.text.hasPrefix("error:   File \"<cell 2>\", line 1"))
            #expect(syntax.text.contains("SyntaxError: '(' was never closed"))
            await runner.stop()
        }

        @Test("variables, functions and imports persist across calls, like a notebook")
        func statePersists() async throws {
            let runner = Support.runner()
            _ = try await runner.run("import math\ntotal = 0\ndef add(n):\n    global total\n    total += n")
            _ = try await runner.run("add(40)")
            _ = try await runner.run("add(2)")
            #expect(try await runner.run("total, math.floor(2.5)") == ToolResult(text: "(42, 2)"))
            await runner.stop()
        }

        @Test("reset() and %reset clear the variables; the session goes on")
        func reset() async throws {
            let runner = Support.runner()
            _ = try await runner.run("x = 1")
            #expect(try await runner.reset() == ToolResult(text: "the Python state (variables and figures) was cleared"))
            #expect(try await runner.run("x").text.hasSuffix("NameError: name 'x' is not defined"))
            _ = try await runner.run("y = 2")
            #expect(try await runner.run("  %reset\n").ok)
            #expect(try await runner.run("'y' in globals(), __name__") == ToolResult(text: "(False, '__main__')"))
            await runner.stop()
        }

        @Test("a crash clears the state and says so; the session is usable again")
        func crashClearsState() async throws {
            let runner = Support.runner()
            _ = try await runner.run("data = [1, 2, 3]")
            let crash = try await runner.run("import ctypes\nctypes.string_at(0)")
            #expect(crash.text.hasSuffix("the Python state (variables) was lost"))
            #expect(try await runner.run("data").text.hasSuffix("NameError: name 'data' is not defined"))
            _ = try await runner.run("data = [4]")
            #expect(try await runner.run("data") == ToolResult(text: "[4]"))
            await runner.stop()
        }

        @Test("the context's deadline wins over the runner's limit")
        func contextDeadline() async throws {
            let runner = Support.runner()
            try await runner.waitUntilReady()
            let result = try await runner.run("import time\ntime.sleep(30)", context: Support.deadline(1))
            #expect(result.text == "error: the code ran past the 1 s limit and was stopped; the Python state (variables) was lost")
            let late = try await runner.run("1", context: ToolContext(deadline: .after(.seconds(-1))))
            #expect(late == ToolResult(text: "error: no time was left to run the code", ok: false))
            try await runner.expectWorks()
            await runner.stop()
        }

        @Test("cancelling the calling task stops the code, throws, and the next call works")
        func cancellation() async throws {
            let runner = Support.runner()
            try await runner.waitUntilReady()
            let clock = ContinuousClock()
            let start = clock.now
            let task = Task { try await runner.run("import time\ntime.sleep(60)") }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(clock.now - start < .seconds(30))
            try await runner.expectWorks()
            await runner.stop()
        }

        @Test("calls from several tasks at once take turns on the one worker")
        func concurrentCalls() async throws {
            let runner = Support.runner()
            _ = try await runner.run("count = 0")
            try await withThrowingTaskGroup(of: ToolResult.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await runner.run("count += 1\ncount") }
                }
                var values: [String] = []
                for try await result in group { values.append(result.text) }
                #expect(values.sorted() == (1...8).map(String.init).sorted())
            }
            await runner.stop()
        }

        @Test("the working directory is the session folder; the environment is scrubbed")
        func environment() async throws {
            let folder = Support.temporaryFolder()
            let runner = Support.runner(folder: folder)
            setenv("PONDER_TEST_SECRET", "hunter2", 1)
            defer { unsetenv("PONDER_TEST_SECRET") }
            let result = try await runner.run("import os\nprint(os.getcwd())\nprint(os.environ['HOME'])\nsorted(os.environ)")
            #expect(result.text.hasPrefix("\(folder)\n\(folder)\n['HOME', 'LANG', 'MALLOC_ARENA_MAX', 'MKL_NUM_THREADS', 'MPLBACKEND'"))
            #expect(!result.text.contains("PONDER_TEST_SECRET"))
            #expect(try await runner.run("input()").text.hasSuffix("EOFError: EOF when reading a line"))
            await runner.stop()
        }

        @Test("a worker that cannot start is an error result, not a throw")
        func cannotStart() async throws {
            let missing = PythonRunner(configuration: PythonConfiguration(
                workerCommand: ["/nonexistent/ponder", "python-worker"], sessionDirectory: Support.temporaryFolder()))
            let result = try await missing.run("1")
            #expect(!result.ok)
            #expect(result.text.hasPrefix("error: the Python worker could not start: /nonexistent/ponder"))

            let wrong = PythonRunner(configuration: PythonConfiguration(
                workerCommand: ["/bin/sh", "-c", "echo 'no worker here' >&2; exit 5"], sessionDirectory: Support.temporaryFolder()))
            let exited = try await wrong.run("1")
            #expect(exited == ToolResult(text: "error: the Python worker could not start: the Python process exited with status 5: no worker here", ok: false))
            await #expect(throws: PythonToolError.self) { try await wrong.waitUntilReady() }
        }

        @Test("start() returns at once; the first call waits for the worker to be ready")
        func prestart() async throws {
            let runner = Support.runner()
            let clock = ContinuousClock()
            let start = clock.now
            try await runner.start()
            #expect(clock.now - start < .seconds(5))
            #expect(try await runner.run("import sys\n'numpy' in sys.modules, 'matplotlib.pyplot' in sys.modules") == ToolResult(text: "(True, True)"))
            #expect(await runner.versions?.hasPrefix("Python 3.11") == true)
            await runner.stop()
        }
    }
}
