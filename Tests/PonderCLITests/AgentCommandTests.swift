import Foundation
import Testing

/// `ponder ask` and `ponder chat` end to end with the default model (greedy).
struct AgentCommandTests {
    struct AskJSON: Decodable {
        struct Step: Decodable {
            let tool: String
            let input: String
            let output: String
            let ok: Bool
            let ms: Int
        }

        struct Tokens: Decodable {
            let prompt: Int
            let generated: Int
        }

        let answer: String
        let mode: String
        let steps: [Step]
        let files: [String]
        let tokens: Tokens
        let seconds: Double
    }

    static func ask(_ arguments: [String]) async throws -> (CommandLineTests.Result, AskJSON?) {
        let result = try await CommandLineTests.run(["ask", "--json"] + arguments)
        let object = try? JSONDecoder().decode(AskJSON.self, from: Data(result.standardOutput.utf8))
        return (result, object)
    }

    @Test("ask uses the calculator for arithmetic and answers with its result")
    func askArithmetic() async throws {
        let (result, answer) = try await Self.ask(["What is 24*78?"])
        #expect(result.status == 0, "\(result.standardError)")
        let json = try #require(answer, "not JSON: \(result.standardOutput)")
        #expect(json.answer.contains("1872"))
        #expect(json.mode == "fast")
        #expect(json.steps.map(\.tool) == ["calc"])
        #expect(json.steps.first?.output == "1872")
        #expect(json.tokens.generated > 0)
    }

    @Test("ask answers a handful of the arithmetic set")
    func askArithmeticSample() async throws {
        // Questions of each kind from tools/eval-sets/arithmetic.jsonl.
        let cases = [("What is 270 × 503?", "135810"), ("Divide 18849 by 309.", "61"), ("What is 5% of 500?", "25"),
                     ("Add 7479, 1398 and 2056.", "10933")]
        var correct = 0
        for (question, expected) in cases {
            let (_, answer) = try await Self.ask([question])
            if answer?.answer.replacingOccurrences(of: ",", with: "").contains(expected) == true { correct += 1 }
        }
        #expect(correct >= 3, "only \(correct) of \(cases.count) correct")
    }

    @Test("ask reads a page served on 127.0.0.1 with the fetch tool")
    func askBrowsing() async throws {
        let server = try LocalPageServer(body: """
            <html><head><title>Veloria</title></head><body><h1>Veloria</h1>
            <p>The capital of Veloria is Marnet.</p></body></html>
            """)
        defer { server.stop() }
        let (result, answer) = try await Self.ask(["--allow-private", "Read \(server.url) and tell me: what is the capital of Veloria?"])
        #expect(result.status == 0, "\(result.standardError)")
        let json = try #require(answer)
        #expect(json.steps.first?.tool == "fetch")
        #expect(json.steps.first?.output.contains("Marnet") == true)
        #expect(json.answer.contains("Marnet"))
    }

    @Test("ask --no-tools answers without tools; --trace writes the run")
    func askWithoutTools() async throws {
        let trace = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-trace-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: trace) }
        let (result, answer) = try await Self.ask(["--no-tools", "--trace", trace.path, "What is 24*78?"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(answer?.steps.isEmpty == true)
        let traced = try JSONSerialization.jsonObject(with: Data(contentsOf: trace)) as? [String: Any]
        #expect((traced?["conversation"] as? [[String: Any]])?.first?["content"] as? String == "What is 24*78?")
    }

    @Test("ask streams the answer and lists tool calls on standard error")
    func askStreams() async throws {
        let result = try await CommandLineTests.run(["ask", "What is 24*78?"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("1872"))
        #expect(!result.standardOutput.contains("<calc>"))
        #expect(result.standardError.contains("calc(24*78) → 1872"))
    }

    @Test("ask rejects bad input with a usage error")
    func askUsage() async throws {
        #expect(try await CommandLineTests.run(["ask"]).status == 2)
        #expect(try await CommandLineTests.run(["ask", "--max-tokens", "0", "hi"]).status == 2)
        let empty = try await CommandLineTests.run(["ask", "   "])
        #expect(empty.status == 1)
        #expect(empty.standardError.contains("the question is empty"))
    }

    @Test("chat keeps history, obeys its commands and ends at end of input")
    func chat() async throws {
        let script = "What is 24*78?\n/tools off\n/tools on\n/reset\n/help\nWhat is 12*12?\n/quit\nnever read\n"
        let result = try await CommandLineTests.run(["chat"], input: script)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("1872"))
        #expect(result.standardOutput.contains("144"))
        for note in ["(tools off)", "(tools on)", "(conversation forgotten)", "/tools on|off"] {
            #expect(result.standardError.contains(note), "missing \(note)")
        }
    }
}

/// The library example: an agent with the calculator, from another target.
@Test("example-agent answers with the calculator")
func exampleAgent() async throws {
    let result = try await CommandLineTests.run(["models/SmolLM2-135M-Instruct.Q4_1.gguf", "What is 24*78?"], binary: "example-agent")
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("1872"))
    #expect(result.standardOutput.contains("calc(24*78) → 1872"))
}
