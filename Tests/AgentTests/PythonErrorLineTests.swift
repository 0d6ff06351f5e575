import Testing
@testable import Agent

/// The line a model reads about a failed Python call, from the python tool's report.
struct PythonErrorLineTests {
    @Test func aTracebackGivesTheExceptionAndTheLineOfTheCell() {
        let report = """
            error: Traceback (most recent call last):
              File "<cell 3>", line 2, in <module>
                x = [Tom, Ann, Lee]
                     ^^^
            NameError: name 'Tom' is not defined
            """
        #expect(PythonErrorLine.line(in: report) == "NameError: name 'Tom' is not defined (line 2)")
    }

    @Test func theLastFrameInTheCellCountsNotTheLibrarysFrames() {
        let report = """
            hello
            error: Traceback (most recent call last):
              File "<cell 1>", line 4, in <module>
                plt.plot(x, y)
              File "/usr/lib/python3/dist-packages/matplotlib/pyplot.py", line 3794, in plot
                return gca().plot(
                       ^^^^^^^^^^^
            ValueError: x and y must have same first dimension, but have shapes (3,) and (2,)
            figure saved: /tmp/out/figure-1.png
            """
        #expect(PythonErrorLine.line(in: report) == "ValueError: x and y must have same first dimension, but have shapes (3,) and (2,) (line 4)")
    }

    @Test func aSyntaxErrorGivesItsMessageAndLine() {
        let report = """
            error:   File "<cell 2>", line 1
                x = [1, 2
                    ^
            SyntaxError: '[' was never closed
            """
        #expect(PythonErrorLine.line(in: report) == "SyntaxError: '[' was never closed (line 1)")
    }

    @Test func chainedExceptionsGiveTheLastOne() {
        let report = """
            error: Traceback (most recent call last):
              File "<cell 1>", line 2, in <module>
                int("a")
            ValueError: invalid literal for int() with base 10: 'a'

            During handling of the above exception, another exception occurred:

            Traceback (most recent call last):
              File "<cell 1>", line 4, in <module>
                raise KeyError
            KeyError
            """
        #expect(PythonErrorLine.line(in: report) == "KeyError (line 4)")
    }

    @Test func theToolsOwnErrorsAreKeptAsTheyAre() {
        #expect(PythonErrorLine.line(in: "error: the code used more than 2 s of CPU time and was stopped; the Python state (variables) was lost")
            == "the code used more than 2 s of CPU time and was stopped; the Python state (variables) was lost")
        #expect(PythonErrorLine.line(in: "figure saved: /tmp/figure-1.png\nerror: a figure could not be saved: OSError: disk full")
            == "a figure could not be saved: OSError: disk full")
    }

    @Test func noErrorGivesNil() {
        #expect(PythonErrorLine.line(in: "42\nfigure saved: /tmp/figure-1.png") == nil)
        #expect(PythonErrorLine.line(in: "(no output)") == nil)
        #expect(PythonErrorLine.line(in: "printed error: no") == nil)
    }

    @Test func longMessagesAreCutButKeepTheLine() {
        let message = "TypeError: " + String(repeating: "very long message ", count: 20)
        let report = "error: Traceback (most recent call last):\n  File \"<cell 1>\", line 7, in <module>\n    f()\n" + message
        let line = PythonErrorLine.line(in: report)
        #expect(line != nil)
        #expect((line?.count ?? 0) <= PythonErrorLine.maximumLength)
        #expect(line?.hasPrefix("TypeError: very long message") == true)
        #expect(line?.hasSuffix("… (line 7)") == true)
    }
}
