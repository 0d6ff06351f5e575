import AgentTools
import Foundation
import Testing

extension PythonTool {
    /// Figures come back as PNG files: the right size, really drawn, closed after saving.
    struct PythonPlotTests {
        typealias Support = PythonTesting

        /// matplotlib's first colour ("C0", #1f77b4), which fills the bars and draws the line.
        static let firstColor = (red: 0x1f, green: 0x77, blue: 0xb4)

        static let chartsFromTable = """
            import matplotlib.pyplot as plt
            table = {"month": ["Jan", "Feb", "Mar", "Apr"], "sales": [120, 95, 140, 180], "costs": [80, 70, 90, 100]}
            bars, axes = plt.subplots(figsize=(5, 4), dpi=100)
            axes.bar(table["month"], table["sales"])
            axes.set_title("Sales")
            line = plt.figure(figsize=(6, 3), dpi=80)
            plt.plot(table["month"], table["costs"], marker="o")
            plt.title("Costs")
            print("two charts")
            """

        @Test("a bar chart and a line chart from a small table: two PNG files, right size, not blank")
        func barAndLineCharts() async throws {
            let folder = Support.temporaryFolder()
            let runner = Support.runner(folder: folder)
            let result = try await runner.run(Self.chartsFromTable)
            #expect(result.ok)
            #expect(result.files == ["\(folder)/figure-1.png", "\(folder)/figure-2.png"])
            #expect(result.text == "two charts\nfigure saved: \(folder)/figure-1.png\nfigure saved: \(folder)/figure-2.png")

            let bars = try PNGImage(path: "\(folder)/figure-1.png")
            #expect((bars.width, bars.height) == (500, 400))
            let line = try PNGImage(path: "\(folder)/figure-2.png")
            #expect((line.width, line.height) == (480, 240))
            for image in [bars, line] {
                #expect(image.distinctColors > 20, "text and anti-aliasing make many colours")
                let white = image.count(near: (255, 255, 255), tolerance: 0)
                #expect(white < image.width * image.height * 97 / 100, "mostly white is blank")
            }
            // Four bars of 120–180 units on a 189-unit axis fill a good part of the plot area.
            #expect(bars.count(near: Self.firstColor, tolerance: 8) > 500 * 400 / 10)
            // A line with markers: hundreds of pixels, not a filled area.
            let linePixels = line.count(near: Self.firstColor, tolerance: 40)
            #expect(linePixels > 300 && linePixels < 480 * 240 / 10)
            await runner.stop()
        }

        @Test("figures are closed after saving; names stay unique across calls and sessions")
        func figuresClosedAndNamedUniquely() async throws {
            let folder = Support.temporaryFolder()
            let runner = Support.runner(folder: folder)
            let first = try await runner.run("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])")
            #expect(first.files == ["\(folder)/figure-1.png"])
            #expect(first.text == "figure saved: \(folder)/figure-1.png", "plt.plot's return value is not shown")
            #expect(try await runner.run("plt.get_fignums()") == ToolResult(text: "[]"))
            #expect(try await runner.run("plt.plot([3, 1])\nplt.show()").files == ["\(folder)/figure-2.png"])
            let pie = try await runner.run("plt.pie([1, 2], labels=['a', 'b'])")
            #expect(pie.text == "figure saved: \(folder)/figure-3.png", "plt.pie's nested artists are not shown")
            await runner.stop()

            let second = Support.runner(folder: folder)
            let result = try await second.run("import matplotlib.pyplot as plt\nplt.plot([1, 2])")
            #expect(result.files == ["\(folder)/figure-4.png"], "figures 1 to 3 exist already")
            await second.stop()
        }

        @Test("figures go to the context's output folder when it names one")
        func contextOutputFolder() async throws {
            let runner = Support.runner()
            let elsewhere = Support.temporaryFolder() + "/figures/today"
            let result = try await runner.run(
                "import matplotlib.pyplot as plt\nimport os\nplt.bar([1], [1])\nprint(os.getcwd())",
                context: ToolContext(outputDirectory: elsewhere))
            #expect(result.text.hasPrefix("\(elsewhere)\n"))
            #expect(result.files == ["\(elsewhere)/figure-1.png"])
            #expect(FileManager.default.fileExists(atPath: "\(elsewhere)/figure-1.png"))
            await runner.stop()
        }

        @Test("a figure that cannot be saved is reported; the others are still closed")
        func figureError() async throws {
            let runner = Support.runner()
            let result = try await runner.run("import matplotlib.pyplot as plt\nfig = plt.figure()\nfig.set_size_inches(1e6, 1e6)")
            #expect(!result.ok)
            #expect(result.text.contains("error: a figure could not be saved: "))
            #expect(try await runner.run("plt.get_fignums()") == ToolResult(text: "[]"))
            await runner.stop()
        }
    }
}
