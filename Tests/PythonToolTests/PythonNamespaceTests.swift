import AgentTools
import Foundation
import Testing

extension PythonTool {
    /// The namespace code starts with: np, plt, math and the common math names, so code
    /// that forgets its imports still runs; explicit imports still work.
    struct PythonNamespaceTests {
        typealias Support = PythonTesting

        @Test("plt, sin, cos and pi need no import: a plot without imports saves a figure")
        func plotWithoutImports() async throws {
            let folder = Support.temporaryFolder()
            let runner = Support.runner(folder: folder)
            let result = try await runner.run("plt.plot([sin(0), cos(pi)])")
            #expect(result.ok)
            #expect(result.files == ["\(folder)/figure-1.png"])
            #expect(FileManager.default.fileExists(atPath: "\(folder)/figure-1.png"))
            await runner.stop()
        }

        @Test("the preloaded names: math's results on numbers, numpy's on arrays; imports rebind them")
        func preloadedNames() async throws {
            let runner = Support.runner()
            #expect(try await runner.run("sqrt(16), log(8, 2), exp(0), tan(0), e == math.e") == ToolResult(text: "(4.0, 3.0, 1.0, 0.0, True)"))
            #expect(try await runner.run("list(np.round(sin(np.array([0.0, pi / 2])), 6))").text.contains("1.0"))
            #expect(try await runner.run("sqrt(-1)").text.hasSuffix("ValueError: math domain error"))
            #expect(try await runner.run("import numpy as np\nfrom math import sin\nimport matplotlib.pyplot as plt\nsin(0), np.pi == pi") == ToolResult(text: "(0.0, True)"))
            await runner.stop()
        }

        @Test("a reset restores the preloaded names")
        func resetRestoresNames() async throws {
            let runner = Support.runner()
            _ = try await runner.run("pi = 3")
            _ = try await runner.reset()
            #expect(try await runner.run("round(pi, 4), 'x' in globals()") == ToolResult(text: "(3.1416, False)"))
            await runner.stop()
        }
    }
}
