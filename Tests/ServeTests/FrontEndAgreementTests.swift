import Foundation
import Testing

extension ServerProcessTests {
    /// `ask`, `chat` and `serve`'s `ponder-agent` drive the same assistant: for the same
    /// question, sampling temperature and seed they take the same steps and give the
    /// same answer (the real default model, sampled, so that the seed matters).
    @Suite
    struct FrontEndAgreementTests {
        struct Step: Decodable, Equatable {
            let tool: String
            let input: String
            let output: String
            let ok: Bool
        }

        struct AskJSON: Decodable {
            let answer: String
            let steps: [Step]
        }

        struct ServeReply: Decodable {
            struct Choice: Decodable {
                struct Message: Decodable { let content: String }
                let message: Message
            }

            let choices: [Choice]
            let ponder_steps: [Step]
        }

        static let question = "What is 24*78?"
        static let sampling = ["--temperature", "0.7", "--seed", "7"]

        @Test("the agent's limits are one option group: ask, chat and serve refuse the same bad values, naming the option")
        func sharedLimits() async throws {
            let cases: [([String], String)] = [
                (["--max-steps", "-1"], "--max-steps"), (["--time-limit", "0"], "--time-limit"), (["--time-limit", "90000"], "--time-limit"),
            ]
            for command in ["ask", "chat", "serve"] {
                let tokens = command == "serve" ? "--agent-max-tokens" : "--max-tokens"
                for (arguments, option) in cases + [([tokens, "0"], tokens)] {
                    let output = try await ServeTestSupport.run(
                        ServeTestSupport.ponder, [command] + arguments + (command == "ask" ? ["hi"] : []), timeout: 30)
                    #expect(output.status == 2, "\(command) \(arguments): \(output.combined)")
                    #expect(output.standardError.contains(option), "\(command): \(output.standardError)")
                }
            }
            let help = try await ServeTestSupport.run(ServeTestSupport.ponder, ["serve", "--help"], timeout: 30)
            for option in ["--max-steps", "--agent-max-tokens", "--time-limit", "--output-dir", "--allow-private", "--python-network"] {
                #expect(help.standardOutput.contains(option), "serve --help lacks \(option)")
            }
        }

        @Test("ask, chat and serve's ponder-agent take the same steps and give the same answer")
        func sameStepsAndAnswer() async throws {
            let ask = try await ServeTestSupport.run(ServeTestSupport.ponder, ["ask", "--json"] + Self.sampling + [Self.question])
            #expect(ask.status == 0, "\(ask.combined)")
            let asked = try JSONDecoder().decode(AskJSON.self, from: Data(ask.standardOutput.utf8))
            #expect(asked.steps.map(\.tool) == ["calc"] && asked.steps.first?.output == "1872", "\(asked)")
            #expect(asked.answer.contains("1872"))

            // chat reads its questions from standard input.
            let input = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-agreement-\(UUID().uuidString).txt")
            try Data((Self.question + "\n").utf8).write(to: input)
            defer { try? FileManager.default.removeItem(at: input) }
            let chat = try await ServeTestSupport.run(
                "/bin/sh", ["-c", #"exec "$0" chat "$@" < "$INPUT""#, ServeTestSupport.ponder] + Self.sampling,
                environment: ["INPUT": input.path])
            #expect(chat.status == 0, "\(chat.combined)")
            #expect(chat.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == asked.answer)
            let shownSteps = chat.standardError.split(separator: "\n").filter { $0.hasPrefix("· ") }.map(String.init)
            #expect(shownSteps == asked.steps.map { "· \($0.tool)(\($0.input)) → \($0.output)" }, "\(chat.standardError)")

            try await ServerProcess.with { server in
                let body = """
                    {"model": "ponder-agent", "temperature": 0.7, "seed": 7, "messages": [{"role": "user", "content": "\(Self.question)"}]}
                    """
                let reply = try await RawHTTP.exchange(
                    port: RawHTTP.port(of: server.baseURL),
                    RawHTTP.request("POST", "/v1/chat/completions", headers: [
                        ("Host", "127.0.0.1"), ("Content-Type", "application/json"), ("Connection", "close"),
                    ], body: body), timeout: 300)
                #expect(reply.status == 200, "\(reply.text)")
                let served = try JSONDecoder().decode(ServeReply.self, from: reply.body)
                #expect(served.ponder_steps == asked.steps)
                #expect(served.choices.first?.message.content == asked.answer)
            }
        }
    }
}
