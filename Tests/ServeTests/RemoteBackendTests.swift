import Agent
import Foundation
import OpenAIAPI
@testable import RemoteModel
import Synchronization
import Testing

extension ServerProcessTests {
    /// The remote backend (`--backend openai`) against `ponder serve` and, when it is
    /// installed (tools/install-llama-server), llama-cpp-python's server.
    @Suite
    struct RemoteBackendTests {
        struct AskJSON: Decodable {
            struct Step: Decodable {
                let tool: String
                let output: String
            }

            let answer: String
            let steps: [Step]
        }

        static func ask(_ arguments: [String], environment: [String: String] = [:]) async throws -> (ServeTestSupport.Output, AskJSON?) {
            let output = try await ServeTestSupport.run(ServeTestSupport.ponder, ["ask", "--json"] + arguments, environment: environment, timeout: 300)
            return (output, try? JSONDecoder().decode(AskJSON.self, from: Data(output.standardOutput.utf8)))
        }

        @Test("ask --backend openai answers through ponder serve, by chat (the assistant's text continued) and by /v1/completions (--api-template)")
        func askThroughServe() async throws {
            try await ServerProcess.with { server in
                for extra in [[String](), ["--api-template", "chatml"]] {
                    let (output, answer) = try await Self.ask(["--backend", "openai", "--base-url", server.baseURL, "--api-model", "ponder"] + extra + ["What is 24*78?"])
                    #expect(output.status == 0, "\(extra): \(output.combined)")
                    let json = try #require(answer, "\(extra): \(output.combined)")
                    #expect(json.answer.contains("1872"), "\(extra): \(json.answer)")
                    #expect(json.steps.map(\.tool) == ["calc"] && json.steps.first?.output == "1872", "\(extra)")
                }
                // From the environment, with the model name asked of the server.
                let (output, answer) = try await Self.ask(
                    ["What is 15% of 80?"], environment: ["PONDER_BACKEND": "openai", "PONDER_BASE_URL": server.baseURL])
                #expect(output.status == 0, "\(output.combined)")
                #expect(answer?.answer.contains("12") == true && answer?.steps.first?.tool == "calc", "\(output.combined)")
            }
        }

        @Test("ask --deliberate runs deliberate mode on the remote model (forks, value prompts read through top_logprobs)")
        func deliberateThroughServe() async throws {
            try await ServerProcess.with { server in
                let output = try await ServeTestSupport.run(
                    ServeTestSupport.ponder,
                    ["ask", "--json", "--backend", "openai", "--base-url", server.baseURL, "--api-model", "ponder", "--deliberate", "6",
                     "--show-tree", "Use the numbers 1 1 4 6 and + - * / to make 24."], timeout: 120)
                #expect(output.status == 0, "\(output.combined)")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any], "\(output.combined)")
                #expect(object["mode"] as? String == "deliberate")
                let tree = try #require(object["tree"] as? [String: Any])
                let nodes = try #require(tree["nodes"] as? [[String: Any]])
                #expect(nodes.count > 1, "the search expanded nothing: \(tree)")
                // Without the value prompt's next-token probabilities a state scores only
                // 0 (a failed check), 0.5, 0.6 (claims checked) or 1 (solved).
                let scores = nodes.dropFirst().compactMap { $0["score"] as? Double }
                let readings = scores.filter { score in ![0, 0.5, 0.6, 1].contains { abs($0 - score) < 1e-9 } }
                #expect(!readings.isEmpty, "no score came from a value reading: \(scores)")
            }
        }

        @Test("chat --backend openai keeps the conversation across turns")
        func chatThroughServe() async throws {
            try await ServerProcess.with { server in
                let process = try await ServeTestSupport.run(
                    "/bin/sh", ["-c", "printf 'What is 24*78?\\n/quit\\n' | \"$0\" chat --backend openai --base-url \"$1\" --api-model ponder",
                                ServeTestSupport.ponder, server.baseURL])
                #expect(process.status == 0, "\(process.combined)")
                #expect(process.standardOutput.contains("1872"), "\(process.combined)")
            }
        }

        @Test("errors are clear: no server, a wrong model name, a wrong key, a silent server, a bad URL")
        func errors() async throws {
            let nobody = try await Self.ask(["--backend", "openai", "--base-url", "http://127.0.0.1:9/v1", "--api-model", "x", "hi"]).0
            #expect(nobody.status == 1)
            #expect(nobody.standardError.contains("cannot reach the model server at http://127.0.0.1:9/v1/chat/completions"), "\(nobody.standardError)")
            let missingURL = try await Self.ask(["--backend", "openai", "hi"]).0
            #expect(missingURL.status == 2 && missingURL.standardError.contains("--base-url"), "\(missingURL.standardError)")

            try await ServerProcess.with(["--api-key", "right-key"]) { server in
                let wrongModel = try await Self.ask(
                    ["--backend", "openai", "--base-url", server.baseURL, "--api-model", "gpt-5", "--api-key", "right-key", "hi"]).0
                #expect(wrongModel.status == 1)
                #expect(wrongModel.standardError.contains("answered 404: the model 'gpt-5' does not exist"), "\(wrongModel.standardError)")
                let wrongKey = try await Self.ask(["--backend", "openai", "--base-url", server.baseURL, "--api-key", "wrong", "hi"]).0
                #expect(wrongKey.standardError.contains("answered 401"), "\(wrongKey.standardError)")
            }

            let listener = try SilentListener()
            defer { listener.close() }
            let model = try RemoteLanguageModel(baseURL: "http://127.0.0.1:\(listener.port)/v1", apiModel: "x", timeout: 1)
            let session = try await model.makeSession()
            try await session.start([Message(.user, "hi")], assistantPrefix: "", stablePrefix: 0)
            await #expect(throws: RemoteModelError.timedOut(url: "http://127.0.0.1:\(listener.port)/v1/chat/completions", seconds: 1)) {
                _ = try await session.generate(GenerationRequest(maximumTokens: 4)) { _ in true }
            }
            #expect(throws: RemoteModelError.invalidBaseURL("localhost:8080")) { try RemoteLanguageModel(baseURL: "localhost:8080", apiModel: "x") }
        }

        @Test("a remote session: stop strings reported and kept in the context, log-probabilities, forks independent")
        func session() async throws {
            try await ServerProcess.with { server in
                let model = try RemoteLanguageModel(baseURL: server.baseURL, apiModel: "ponder")
                #expect(model.vocabulary == nil)
                let session = try await model.makeSession()
                try await session.start([Message(.user, "Count from 1 to 10, separated by commas.")], assistantPrefix: "", stablePrefix: 0)
                let pieces = PieceLog()
                let first = try await session.generate(GenerationRequest(maximumTokens: 40, stopStrings: ["5"], logProbabilities: true)) {
                    pieces.add($0)
                    return true
                }
                #expect(first.stopReason == .stopString("5"), "\(first)")
                #expect(!first.text.contains("5") && first.text.contains("4"), "\(first.text)")
                #expect(pieces.joined == first.text)
                #expect(first.logProbabilities.count == first.tokenCount && first.tokenCount > 0 && first.logProbabilities.allSatisfy { $0 <= 0 })

                // A fork continues from the same point; what one appends the other does not see.
                let branch = try await session.fork()
                try await branch.append(", ")
                let original = try await session.generate(GenerationRequest(maximumTokens: 3)) { _ in true }
                let forked = try await branch.generate(GenerationRequest(maximumTokens: 3)) { _ in true }
                #expect(original.text.hasPrefix(",") || original.text.hasPrefix(" "), "\(original.text)")
                #expect(!forked.text.hasPrefix(","), "\(forked.text)")
                #expect(await session.usage.generated == first.tokenCount + original.tokenCount)

                // The most likely next tokens (what deliberate mode's value prompts read), best first.
                let next = try await session.fork()
                let scored = try await next.generate(GenerationRequest(maximumTokens: 1, alternatives: 5)) { _ in true }
                #expect(scored.alternatives.count == 1 && scored.alternatives[0].count == 5, "\(scored.alternatives)")
                let step = scored.alternatives.first ?? []
                #expect(zip(step, step.dropFirst()).allSatisfy { $0.logProbability >= $1.logProbability })
                #expect(step.first?.text == scored.text, "greedy: the chosen token is the most likely")
            }
        }

        @Test("against llama-cpp-python's server (when tools/install-llama-server has installed it)",
              .enabled(if: FileManager.default.isExecutableFile(atPath: LlamaServer.python)))
        func llamaCppPython() async throws {
            let server = try await LlamaServer.start()
            defer { server.stop() }
            let (output, answer) = try await Self.ask(
                ["--backend", "openai", "--base-url", server.baseURL, "--api-template", "chatml", "--api-timeout", "300", "What is 24*78?"])
            #expect(output.status == 0, "\(output.combined)")
            #expect(answer?.answer.contains("1872") == true && answer?.steps.map(\.tool) == ["calc"], "\(output.combined)")
        }
    }
}

/// Text pieces a generation streamed.
final class PieceLog: Sendable {
    private let pieces = Mutex<[String]>([])
    func add(_ piece: String) { pieces.withLock { $0.append(piece) } }
    var joined: String { pieces.withLock { $0.joined() } }
    var all: [String] { pieces.withLock { $0 } }
}

/// A TCP port that accepts connections and never answers.
final class SilentListener: Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && listen(descriptor, 8) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}

/// llama-cpp-python's OpenAI-compatible server in a child process.
final class LlamaServer: Sendable {
    static var python: String { ServeTestSupport.repositoryRoot.appendingPathComponent(".venv-llama-server/bin/python").path }
    let process: Process
    let baseURL: String

    private init(process: Process, baseURL: String) {
        self.process = process
        self.baseURL = baseURL
    }

    static func start() async throws -> LlamaServer {
        let listener = try SilentListener()
        let port = listener.port
        listener.close()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "llama_cpp.server", "--model", "models/SmolLM2-135M-Instruct.Q4_1.gguf", "--host", "127.0.0.1",
                             "--port", "\(port)", "--n_ctx", "4096", "--n_threads", "1"]
        process.currentDirectoryURL = ServeTestSupport.repositoryRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = LlamaServer(process: process, baseURL: "http://127.0.0.1:\(port)/v1")
        let model = try RemoteLanguageModel(baseURL: server.baseURL, timeout: 5)
        for _ in 0..<120 {
            if (try? await model.listModels()) != nil { return server }
            try await Task.sleep(for: .milliseconds(500))
        }
        server.stop()
        throw ServerStartError(log: "llama-cpp-python's server did not answer /v1/models within a minute")
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
