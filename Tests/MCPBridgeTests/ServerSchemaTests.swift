import Agent
import AgentTools
import MCP
import MCPBridge
import Testing

/// The served tools' schemas, read back from the data next to each adapter, and the
/// checks a call's arguments go through.
@Suite struct ServerSchemaTests {
    static let settings = ToolboxSettings(outputDirectory: "/nonexistent-output")

    @Test func theStandardToolsAreServedUnderTheirMCPNamesWithTheirOwnDescriptions() {
        let toolbox = Toolbox.standard(Self.settings)
        let adapters = AgentToolAdapter.tools(of: toolbox, outputDirectory: nil)
        #expect(adapters.map(\.name) == ["calculator", "fetch", "python"])
        for adapter in adapters {
            #expect(adapter.definition.description == adapter.tool.description)
            #expect((adapter.definition.description ?? "").count > 20)
        }
        let searching = Toolbox.standard(ToolboxSettings(outputDirectory: "/x", searchEndpoint: "http://127.0.0.1:9/search"))
        #expect(AgentToolAdapter.tools(of: searching, outputDirectory: nil).map(\.name) == ["calculator", "fetch", "python", "web_search"])
    }

    @Test func eachToolTakesOneRequiredStringProperty() throws {
        let expected = ["calculator": "expression", "fetch": "url", "python": "code", "web_search": "query"]
        let toolbox = Toolbox.standard(ToolboxSettings(outputDirectory: "/x", searchEndpoint: "http://127.0.0.1:9/search"))
        for adapter in AgentToolAdapter.tools(of: toolbox, outputDirectory: nil) {
            let schema = try #require(adapter.definition.inputSchema.objectValue)
            #expect(schema["type"] == "object")
            #expect(schema["additionalProperties"] == false)
            let properties = try #require(schema["properties"]?.objectValue)
            let name = try #require(expected[adapter.name])
            #expect(Array(properties.keys) == [name])
            #expect(properties[name]?.objectValue?["type"] == "string")
            let description = properties[name]?.objectValue?["description"]?.stringValue ?? ""
            #expect(description.count > 10, "\(adapter.name): \(description)")
            #expect(schema["required"] == [.string(name)])
        }
    }

    @Test func askTakesAQuestionAndAnOptionalNumberOfSeconds() throws {
        let schema = try #require(AskTool.schema.value.objectValue)
        let properties = try #require(schema["properties"]?.objectValue)
        #expect(Set(properties.keys) == ["question", "deliberate_seconds"])
        #expect(properties["question"]?.objectValue?["type"] == "string")
        #expect(properties["deliberate_seconds"]?.objectValue?["type"] == "number")
        #expect(schema["required"] == ["question"])
    }

    @Test func argumentsAreCheckedAgainstTheSchema() throws {
        let schema = AskTool.schema
        #expect(try schema.read(["question": "hi"]).strings == ["question": "hi"])
        #expect(try schema.read(["question": "hi", "deliberate_seconds": 3]).numbers == ["deliberate_seconds": 3])
        #expect(try schema.read(["question": "hi", "deliberate_seconds": 2.5]).numbers == ["deliberate_seconds": 2.5])
        #expect(throws: ToolArgumentError.missing("question")) { try schema.read(nil) }
        #expect(throws: ToolArgumentError.missing("question")) { try schema.read(["question": .null]) }
        #expect(throws: ToolArgumentError.wrongType("question", expected: .string)) { try schema.read(["question": 4]) }
        #expect(throws: ToolArgumentError.wrongType("deliberate_seconds", expected: .number)) {
            try schema.read(["question": "hi", "deliberate_seconds": "ten"])
        }
        #expect(throws: ToolArgumentError.unknown("seconds", expected: ["question", "deliberate_seconds"])) {
            try schema.read(["question": "hi", "seconds": 3])
        }
    }

    @Test func askRefusesABlankQuestionAndAnOutOfRangeBudget() async throws {
        let host = AgentHost(loadingOffThePool: { throw ToolArgumentError.missing("never loaded") })
        let ask = AskTool(host: host)
        for arguments: [String: Value] in [["question": "  "], ["question": "hi", "deliberate_seconds": 0], ["question": "hi", "deliberate_seconds": 100_000]] {
            let result = try await ask.call(arguments, progress: .silent)
            #expect(result.isError == true)
            guard case .text(let text, _, _) = result.content.first else {
                Issue.record("no text in \(result)")
                continue
            }
            #expect(text.hasPrefix("error: the argument"))
        }
    }

    @Test func aModelThatCannotLoadIsAToolErrorNotACrash() async throws {
        let host = AgentHost(loadingOffThePool: { throw ToolArgumentError.invalid("model", reason: "cannot be loaded here") })
        let result = try await AskTool(host: host).call(["question": "What is 2+2?"], progress: .silent)
        #expect(result.isError == true)
        guard case .text(let text, _, _) = result.content.first else {
            Issue.record("no text in \(result)")
            return
        }
        #expect(text.contains("the agent could not answer") && text.contains("cannot be loaded here"))
    }
}
