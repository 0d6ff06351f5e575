import Foundation
import Testing
@testable import AgentTools

/// The calculator as the agent sees it: a `Tool` returning `ToolResult`s.
struct ToolTests {
    @Test("the calculator's name and one-line description")
    func identity() {
        let tool: any Tool = Calculator()
        #expect(tool.name == "calc")
        #expect(!tool.description.isEmpty)
        #expect(!tool.description.contains("\n"))
    }

    @Test("results and errors are results, not throws")
    func results() async throws {
        let calculator = Calculator()
        #expect(try await calculator.run("24 x 78", context: ToolContext()) == ToolResult(text: "1872"))
        let failure = try await calculator.run("1/0", context: ToolContext())
        #expect(failure == ToolResult(text: "error: division by zero at 2", ok: false))
        #expect(failure.files.isEmpty)
    }

    @Test("cancellation throws")
    func cancellation() async {
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Calculator().run("1+1", context: ToolContext())
        }
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test("limits are configurable")
    func limits() {
        let small = CalculatorLimits(maximumIntegerDigits: 5, maximumFactorial: 5)
        #expect(calc("99999 + 1", limits: small) == "error: the result would have about 6 digits; the limit is 5 at 7")
        #expect(calc("6!", limits: small) == "error: factorial is limited to 5! at 2")
    }

    @Test("ToolResult round-trips through JSON")
    func codable() throws {
        let result = ToolResult(text: "plot saved", ok: true, files: ["figures/figure-1.png"])
        let decoded = try JSONDecoder().decode(ToolResult.self, from: JSONEncoder().encode(result))
        #expect(decoded == result)
        let context = ToolContext(outputDirectory: "session", deadline: .after(.seconds(5)))
        #expect(context.outputDirectory == "session")
    }
}
