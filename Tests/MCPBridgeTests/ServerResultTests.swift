import Agent
import AgentTools
import Foundation
import MCP
import MCPBridge
import Testing

/// Tool results as MCP content: the text, PNG figures as images, paths the text does
/// not name, `isError` for a tool's error; and the `ask` answer's text and structure.
@Suite struct ServerResultTests {
    /// A one-pixel PNG (signature, IHDR, IDAT, IEND).
    static let onePixelPNG = Data(base64Encoded:
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!

    static func temporaryFile(_ name: String, _ data: Data) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-mcp-result-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aFigureBecomesAnImageAndItsPathStaysInTheText() throws {
        let path = try Self.temporaryFile("figure_1.png", Self.onePixelPNG)
        let result = ToolResultContent.callResult(ToolResult(text: "figure saved: \(path)", files: [path]))
        #expect(result.isError == nil)
        #expect(result.content.count == 2)
        guard case .text(let text, _, _) = result.content[0] else {
            Issue.record("first item: \(result.content[0])")
            return
        }
        #expect(text.contains(path))
        guard case .image(let data, let mimeType, _, _) = result.content[1] else {
            Issue.record("second item: \(result.content[1])")
            return
        }
        #expect(mimeType == "image/png")
        #expect(Data(base64Encoded: data) == Self.onePixelPNG)
    }

    @Test func filesThatAreNotPNGsAreNamedOnly() throws {
        let fake = try Self.temporaryFile("fake.png", Data("not a picture".utf8))
        let missing = "/nonexistent-folder/figure.png"
        let result = ToolResultContent.callResult(ToolResult(text: "done", files: [fake, missing]))
        #expect(ServerTestContent.texts(result) == ["done", "files:\n\(fake)\n\(missing)"] && result.content.count == 2)
    }

    @Test func aToolErrorIsAnErrorResult() {
        let result = ToolResultContent.callResult(ToolResult(text: "error: division by zero at 3", ok: false))
        #expect(result.isError == true)
        #expect(ServerTestContent.texts(result) == ["error: division by zero at 3"])
    }

    @Test func theCalculatorAnswersAndReportsItsErrors() async throws {
        let calculator = try #require(AgentToolAdapter.tools(of: .standard(ToolboxSettings(outputDirectory: "/x")), outputDirectory: nil).first)
        let answer = try await calculator.call(["expression": "24*78"], progress: .silent)
        #expect(ServerTestContent.texts(answer) == ["1872"] && answer.isError == nil)
        let bad = try await calculator.call(["expression": "2+*"], progress: .silent)
        #expect(bad.isError == true)
        let missing = try await calculator.call([:], progress: .silent)
        #expect(missing.isError == true && ServerTestContent.texts(missing) == ["error: the argument 'expression' is missing"])
        let blank = try await calculator.call(["expression": " "], progress: .silent)
        #expect(blank.isError == true && ServerTestContent.texts(blank) == ["error: the argument 'expression' is empty"])
    }

    @Test func anAnswerListsItsStepsAndCarriesThemAsStructuredContent() throws {
        let step = AgentStep(tool: "calc", input: "24*78", output: "1872", ok: true, ms: 1)
        let result = AskTool.result(AgentAnswer(answer: "24*78 = 1872", steps: [step], seconds: 0.5))
        #expect(result.isError == nil)
        guard case .text(let text, _, _) = result.content.first else {
            Issue.record("no text: \(result)")
            return
        }
        #expect(text == "24*78 = 1872\n\nsteps:\ncalc(24*78) → 1872")
        let structured = try #require(result.structuredContent?.objectValue)
        #expect(structured["answer"] == "24*78 = 1872")
        #expect(structured["mode"] == "fast")
        let steps = try #require(structured["steps"]?.arrayValue)
        #expect(steps.first?.objectValue?["output"] == "1872")
    }
}

/// The text items of results, for comparing.
enum ServerTestContent {
    static func texts(_ result: CallTool.Result) -> [String] {
        texts(result.content)
    }

    static func texts(_ content: [MCP.Tool.Content]) -> [String] {
        content.compactMap { item in
            if case .text(let text, _, _) = item { return text }
            return nil
        }
    }
}
