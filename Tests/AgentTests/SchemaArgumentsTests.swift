import AgentTools
import Foundation
import Synchronization
import Testing
@testable import Agent

/// Tools with JSON arguments (an MCP server's): the schema read, the arguments written
/// value by value under constraints, the first call routed by the question's words.

/// The schema of a unit converter, as the Python SDK writes it.
private let converterSchema = """
    {"properties": {"value": {"title": "Value", "type": "number"}, "from_unit": {"title": "From Unit", "type": "string"}, \
    "to_unit": {"title": "To Unit", "type": "string"}}, "required": ["value", "from_unit", "to_unit"], "type": "object"}
    """

/// A tool with a schema that answers from a list and records its inputs.
private final class SchemaTool: Tool {
    let name: String
    let description: String
    let inputSchema: String?
    let replies: Mutex<[ToolResult]>
    let inputs = Mutex<[String]>([])

    init(name: String, description: String, schema: String, replies: [ToolResult] = []) {
        self.name = name
        self.description = description
        inputSchema = schema
        self.replies = Mutex(replies)
    }

    func run(_ input: String, context: ToolContext) async throws -> ToolResult {
        inputs.withLock { $0.append(input) }
        return replies.withLock { $0.isEmpty ? ToolResult(text: "error: no reply left", ok: false) : $0.removeFirst() }
    }
}

private func converter(replies: [ToolResult] = []) -> SchemaTool {
    SchemaTool(
        name: "convert_length", description: "Convert a length from one unit to another: metres, kilometres, miles or feet.",
        schema: converterSchema, replies: replies)
}

/// The writer over the scripted model's vocabulary (one printable character per token).
private func writer(_ schema: String, model: ScriptedModel, numbers: Set<String> = []) throws -> SchemaArgumentsWriter {
    let vocabulary = try #require(model.vocabulary)
    let constraints = SchemaArgumentsWriter.Constraints(
        string: JSONStringConstraint(vocabulary: vocabulary, maximumLength: 80),
        number: { terminator, integer in
            JSONNumberConstraint(
                terminator: terminator, integer: integer,
                candidates: ChoiceCandidates(vocabulary: vocabulary, alphabet: JSONNumberConstraint.alphabet(terminator: terminator)))
        },
        choice: { ChoiceConstraint(choices: $0, candidates: ChoiceCandidates(vocabulary: vocabulary, alphabet: Set($0.joined()))) },
        copy: { QuotedCopyConstraint(sources: $0, candidates: CopyCandidates(vocabulary: vocabulary), vocabulary: vocabulary) })
    return SchemaArgumentsWriter(schema: try #require(ArgumentSchema(json: schema)), constraints: constraints, numbers: numbers, temperature: 0, seed: 0)
}

private func written(
    _ schema: String, script: [String], numbers: Set<String> = [], sources: [String] = []
) async throws -> (json: String, context: String) {
    let model = ScriptedModel(script, constrained: true)
    let session = try await model.makeSession() as! ScriptedSession
    var writer = try writer(schema, model: model, numbers: numbers)
    writer.stringSources = sources
    let result = try await writer.write(in: session, deadline: .unlimited())
    return (result.json, session.context.withLock { $0 })
}

@Test func aSchemaIsReadInTheOrderACallWritesIt() throws {
    let schema = try #require(ArgumentSchema(json: converterSchema))
    #expect(schema.arguments.map(\.name) == ["value", "from_unit", "to_unit"])
    #expect(schema.arguments.map(\.kind) == [.number, .string, .string])
    #expect(schema.layout == #"{"value": number, "from_unit": string, "to_unit": string}"#)
    let optional = try #require(ArgumentSchema(json: """
        {"type": "object", "properties": {"limit": {"anyOf": [{"type": "integer"}, {"type": "null"}]}, \
        "mode": {"enum": ["fast", "slow"]}, "tags": {"type": "array"}, "flag": {"type": ["boolean", "null"]}}}
        """))
    // Nothing required: every argument, in the text's order.
    #expect(optional.written.map(\.name) == ["limit", "mode", "tags", "flag"])
    #expect(optional.written.map(\.kind) == [.integer, .choice(["fast", "slow"]), .other(type: "array"), .boolean])
    #expect(ArgumentSchema(json: "not json") == nil)
}

@Test func theModelWritesOnlyTheValuesAndTheJSONIsAlwaysValid() async throws {
    let result = try await written(converterSchema, script: ["3.5,", "kilometres\"", "metres\""])
    #expect(result.json == #"{"value": 3.5, "from_unit": "kilometres", "to_unit": "metres"}"#)
    #expect(result.context.hasSuffix(#"{"value": 3.5, "from_unit": "kilometres", "to_unit": "metres"}"#))
    #expect(result.context.hasSuffix(result.json))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any])
    #expect(object["value"] as? Double == 3.5 && object["to_unit"] as? String == "metres")
}

@Test func valuesThatWouldBreakTheJSONAreMaskedOrCut() async throws {
    // A number with letters, a string with a backslash, a marker and a newline, and a
    // string the model never ends: the JSON still parses.
    let result = try await written(converterSchema, script: ["3x5,", "km\\</x>\n\"", String(repeating: "m", count: 200)])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any], "\(result.json)")
    #expect(object.keys.sorted() == ["from_unit", "to_unit", "value"])
    #expect(object["value"] is Double || object["value"] is Int)
    let from = try #require(object["from_unit"] as? String)
    #expect(!from.contains("\\") && !from.contains("<") && !from.contains("\n"))
    #expect((object["to_unit"] as? String)?.count ?? 0 <= SchemaArgumentsWriter.stringTokens)
}

@Test func numbersComeFromTheQuestionWhenItGivesSome() async throws {
    // The model would write 7; only the question's 3.5 may be written.
    let result = try await written(converterSchema, script: ["7,", "km\"", "m\""], numbers: ["3.5"])
    #expect(result.json == #"{"value": 3.5, "from_unit": "km", "to_unit": "m"}"#)
    #expect(SchemaArgumentsWriter.jsonNumbers(["3.5", "007", "12", "1e5", "-2"]) == ["3.5", "12", "-2"])
}

@Test func groundedStringsAreCopiedFromTheQuestion() async throws {
    let question = "How many metres are 3.5 \"kilometres\"?"
    // A copy may start with a space; the value has none.
    let copied = try await written(converterSchema, script: ["3.5,", "kilometres\"", " metres\""], numbers: ["3.5"], sources: [question])
    #expect(copied.json == #"{"value": 3.5, "from_unit": "kilometres", "to_unit": "metres"}"#)
    // A word the question does not have cannot be written: the value is some span of the question.
    let masked = try await written(converterSchema, script: ["3.5,", "feet\"", "metres\""], numbers: ["3.5"], sources: [question])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(masked.json.utf8)) as? [String: Any], "\(masked.json)")
    let from = try #require(object["from_unit"] as? String)
    #expect(!from.isEmpty && QuotedCopyConstraint.quotable(question).contains(from), "\(from)")
}

@Test func choicesAndBooleansAreChosenAndOtherShapesGetEmptyValues() async throws {
    let schema = """
        {"type": "object", "properties": {"system": {"type": "string", "enum": ["metric", "imperial"]}, \
        "exact": {"type": "boolean"}, "count": {"type": "integer"}, "tags": {"type": "array"}}, \
        "required": ["system", "exact", "count", "tags"]}
        """
    let result = try await written(schema, script: ["imperial\"", "yes,", "12.5,"])
    // "yes" is no boolean: the constraint leaves true or false; a whole number stops at its point.
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any], "\(result.json)")
    #expect(object["system"] as? String == "imperial")
    #expect(object["exact"] is Bool)
    #expect(object["count"] as? Int != nil)
    #expect((object["tags"] as? [Any])?.isEmpty == true)
}

@Test func jsonNumbersAreReadByTheirGrammar() {
    #expect(JSONNumberConstraint.isComplete("3.5", integer: false))
    #expect(!JSONNumberConstraint.isComplete("3.", integer: false))
    #expect(!JSONNumberConstraint.isComplete("03", integer: false))
    #expect(!JSONNumberConstraint.isComplete("3.5", integer: true))
    #expect(JSONNumberConstraint.isPrefix("-", integer: true))
}

@Test func aQuestionNamingAToolByItsWordsOpensItFirst() {
    let tools: [any Tool] = [converter(), Calculator()]
    #expect(SchemaToolMatch.preferredTool(for: "How many metres are 3.5 kilometres?", among: tools) == "convert_length")
    // Words a tool does not have, or only one shared word: no preference.
    #expect(SchemaToolMatch.preferredTool(for: "Tell me a joke about cats.", among: tools) == nil)
    #expect(SchemaToolMatch.preferredTool(for: "What is the length of the Nile?", among: tools) == nil)
    // Two words of its name and description are enough.
    #expect(SchemaToolMatch.preferredTool(for: "Convert 3 feet, please.", among: tools) == "convert_length")
    // Without tools that take JSON arguments nothing changes.
    #expect(SchemaToolMatch.preferredTool(for: "How many metres are 3.5 kilometres?", among: [Calculator()]) == nil)
}

@Test func theBuiltInRulesComeFirst() {
    let planner = Planner(model: ScriptedModel([], constrained: true), tools: [converter(), Calculator()], layout: ConversationLayout(prompts: repositoryPrompts))
    // Arithmetic goes to the calculator even when a converter is offered.
    #expect(planner.requiredFirstTools(for: CallGrounding(question: "What is 24 times 78 metres?")) == ["calc"])
    #expect(planner.requiredFirstTools(for: CallGrounding(question: "How many metres are 3.5 kilometres?")) == ["convert_length"])
}

@Test func thePromptShowsAToolsArgumentsInsideItsMarker() throws {
    let planner = Planner(model: ScriptedModel([], constrained: true), tools: [converter(), Calculator()], layout: ConversationLayout(prompts: repositoryPrompts))
    let system = try planner.conversation(for: "How many metres are 3.5 kilometres?").messages[0].content
    #expect(system.contains(#"- <convert_length>{"value": number, "from_unit": string, "to_unit": string}</convert_length>: Convert a length"#))
    #expect(system.contains("- <calc>…</calc>: "))
    let hermes = ConversationLayout.hermesSchema(converter())
    #expect(hermes.contains(#""parameters": {"properties""#) && hermes.contains(#""required":["value","from_unit","to_unit"]"#))
}

@Test func aGroundedRunCallsTheToolWithJSONAndKeepsItsResultInTheAnswer() async throws {
    let tool = converter(replies: [ToolResult(text: "3.5 kilometres = 3500 metres")])
    // The model would open the calculator; the question names the converter, which is opened.
    let model = ScriptedModel(["<calc>", "3.5,", "kilometres\"", "metres\"", "It is far.\n"], constrained: true)
    let planner = Planner(model: model, tools: [tool, Calculator()], layout: ConversationLayout(prompts: repositoryPrompts))
    let answer = try await planner.answer("How many metres are 3.5 kilometres?")
    #expect(tool.inputs.withLock { $0 } == [#"{"value": 3.5, "from_unit": "kilometres", "to_unit": "metres"}"#])
    #expect(answer.steps.map(\.tool) == ["convert_length"] && answer.steps[0].ok)
    // The answer held no number of the result: the result is kept beside it.
    #expect(answer.answer.contains("3500"), "\(answer.answer)")
}

@Test func aHermesCallOfAToolWithArgumentsGetsTheWholeObject() async throws {
    let tool = converter(replies: [ToolResult(text: "3.5 kilometres = 3500 metres")])
    let call = #"<tool_call>\n{"name": "convert_length", "arguments": {"value": 3.5, "from_unit": "km", "to_unit": "m"}}\n</tool_call>"#
    let model = ScriptedModel([call, "It is 3500 metres."], nativeFormat: .hermes)
    let planner = Planner(model: model, tools: [tool, Calculator()], layout: ConversationLayout(prompts: repositoryPrompts))
    let answer = try await planner.answer("How many metres are 3.5 kilometres?")
    let input = try #require(tool.inputs.withLock { $0.first })
    let object = try #require(try JSONSerialization.jsonObject(with: Data(input.utf8)) as? [String: Any], "\(input)")
    #expect(object["value"] as? Double == 3.5 && object["from_unit"] as? String == "km" && object["to_unit"] as? String == "m")
    #expect(answer.answer.contains("3500"))
    // The system prompt gives the tool's own schema.
    let system = try #require(model.starts.withLock { $0.first?.first?.content })
    #expect(system.contains(#""name": "convert_length""#) && system.contains(#""from_unit""#))
}
