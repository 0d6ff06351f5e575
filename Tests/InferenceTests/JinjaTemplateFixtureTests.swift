import Foundation
import Testing
@testable import Inference

/// Ponder's Jinja interpreter against Python's jinja2, on the chat templates llama.cpp
/// ships: each rendered for seven conversations (tools, tool calls, non-ASCII text, …)
/// by `tools/make-jinja-fixtures` in the environment transformers renders with.
struct JinjaTemplateFixtureTests {
    struct Fixture: Decodable {
        let now: Double
        let templates: [String: String]
        let cases: [Case]
    }

    struct Case: Decodable {
        let template: String
        let conversation: String
        let bos_token: String
        let eos_token: String
        let rendered: String?
        let error: String?
        var name: String { template + "/" + conversation }
    }

    static let fixture: Fixture? = try? Fixtures.decode(Fixture.self, from: "jinja-templates.json")

    /// The conversations' variables, read with the interpreter's own JSON reader (it keeps
    /// the keys' order, which `tojson` prints).
    static let conversations: JinjaDict? = {
        guard let data = try? String(contentsOfFile: Fixtures.path("jinja-templates.json"), encoding: .utf8),
              case .dict(let root) = try? JinjaValue(json: data), case .dict(let conversations)? = root["conversations"]
        else { return nil }
        return conversations
    }()

    /// Where jinja2's Python objects behave in ways the interpreter does not copy:
    /// a `map` result is a generator that `tojson` refuses (Ponder writes the list), and
    /// text marked `|safe` HTML-escapes what is added to it.
    static let knownDifferences: Set<String> = [
        "llama-cpp-deepseek-r1/tools", "llama-cpp-deepseek-r1/tool-call",
        "meetkai-functionary-medium-v3.1/tools", "meetkai-functionary-medium-v3.1/tool-call",
    ]

    static var caseNames: [String] { fixture?.cases.map(\.name).filter { !knownDifferences.contains($0) } ?? [] }

    @Test("the fixture is there and large")
    func fixtureLoads() throws {
        let fixture = try #require(Self.fixture, "Tests/InferenceTests/Fixtures/jinja-templates.json is missing or unreadable")
        #expect(fixture.templates.count >= 60)
        #expect(fixture.cases.count >= 400)
        #expect(Self.conversations != nil)
    }

    @Test("renders as jinja2 does, or refuses what it refuses", arguments: caseNames)
    func rendersLikeJinja2(name: String) throws {
        let fixture = try #require(Self.fixture)
        let testCase = try #require(fixture.cases.first { $0.name == name })
        let source = try #require(fixture.templates[testCase.template])
        guard case .dict(let conversation)? = Self.conversations?[testCase.conversation] else {
            Issue.record("no conversation \(testCase.conversation)")
            return
        }
        var variables: [String: JinjaValue] = ["bos_token": .string(testCase.bos_token), "eos_token": .string(testCase.eos_token)]
        for entry in conversation.entries { variables[entry.key.pythonString] = entry.value }
        let template = try JinjaTemplate(source)
        let now = Date(timeIntervalSince1970: fixture.now)
        if let expected = testCase.rendered {
            let rendered = try template.render(variables, now: now)
            #expect(Array(rendered.unicodeScalars) == Array(expected.unicodeScalars))
        } else {
            #expect(throws: JinjaError.self, "jinja2 refused it: \(testCase.error ?? "")") { try template.render(variables, now: now) }
        }
    }

    @Test("at least 15 model families render exactly, tools included")
    func familiesCovered() throws {
        let fixture = try #require(Self.fixture)
        let exact = Set(fixture.cases.filter { $0.conversation == "tool-call" && $0.rendered != nil && !Self.knownDifferences.contains($0.name) }.map(\.template))
        // One family per vendor-and-line prefix (Llama 3.1 and 3.2 count once, as "meta-llama").
        let families = Set(exact.map { $0.split(separator: "-").prefix(2).joined(separator: "-").lowercased() })
        #expect(families.count >= 15, "\(families.sorted())")
        for required in ["HuggingFaceTB-SmolLM2-135M-Instruct", "meta-llama-Llama-3.1-8B-Instruct", "Qwen-Qwen2.5-7B-Instruct",
                         "Qwen-Qwen3-0.6B", "google-gemma-2-2b-it", "microsoft-Phi-3.5-mini-instruct",
                         "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B", "NousResearch-Hermes-3-Llama-3.1-8B-tool_use",
                         "ibm-granite-granite-3.3-2B-Instruct", "CohereForAI-c4ai-command-r-plus-tool_use",
                         "mistralai-Mistral-Nemo-Instruct-2407"] {
            #expect(fixture.templates[required] != nil, "\(required) is in the fixture")
        }
    }
}
