import Foundation
import Testing

/// The server's tests that start child processes: one at a time, so they leave the
/// other suites a core.
@Suite(.serialized)
enum ServerProcessTests {}

extension ServerProcessTests {
    /// The official openai Python SDK against `ponder serve`, as any OpenAI client would use it.
    @Suite
    struct SDKTests {
        /// Runs `script` against a fresh server and expects it to print "ok".
        func expectScript(_ script: String, serverArguments: [String] = [], scriptArguments: [String] = []) async throws {
            try await ServerProcess.with(serverArguments) { server in
                let output = try await ServeTestSupport.runScript(script, [server.baseURL] + scriptArguments)
                #expect(output.status == 0 && output.standardOutput.hasSuffix("ok\n"), "\(script):\n\(output.combined)\nserver:\n\(server.standardError)")
                #expect(server.isRunning, "the server exited: \(server.standardError)")
            }
        }

        @Test("models, chat whole and streamed, logprobs, seeds, stop strings, prefill, text completions")
        func chat() async throws {
            try await expectScript("sdk_chat.py")
        }

        @Test("tools: forced, required and streamed calls in OpenAI's shape; a tool result sent back")
        func tools() async throws {
            try await expectScript("sdk_tools.py")
        }

        @Test("ponder-agent runs the planner and the calculator on the server, whole and streamed")
        func agent() async throws {
            try await expectScript("sdk_agent.py")
        }

        @Test("bad requests, unknown models, oversize bodies and unknown paths get OpenAI-style 4xx; the server keeps serving")
        func errors() async throws {
            try await expectScript("sdk_errors.py")
        }

        @Test("--api-key: no key or a wrong key is a 401; the right one is served")
        func apiKey() async throws {
            try await expectScript("sdk_errors.py", serverArguments: ["--api-key", "test-key-4711"], scriptArguments: ["test-key-4711"])
        }

        @Test("the queue: one runs, one waits, the next gets 503; a client leaving frees the model or its place")
        func queueAndCancellation() async throws {
            try await expectScript("queue_cancel.py", serverArguments: ["--queue", "1", "--parallel", "1"])
        }

        @Test("--parallel: streams generate together and equal their answers alone; a full house gets 503; a client leaving frees its slot")
        func parallelSlots() async throws {
            try await expectScript("parallel_slots.py", serverArguments: ["--parallel", "3", "--queue", "0"])
        }

        @Test("50 concurrent streaming clients: every one served or refused with the documented 503, no crash, memory bounded")
        func load() async throws {
            #expect(FileManager.default.isExecutableFile(atPath: ServeTestSupport.python))
            let output = try await ServeTestSupport.run(
                ServeTestSupport.python,
                [ServeTestSupport.repositoryRoot.appendingPathComponent("tools/load_serve.py").path, "--ponder", ServeTestSupport.ponder,
                 "--clients", "50", "--max-tokens", "8", "--queue", "20", "--threads", "1", "--timeout", "120", "--json"],
                timeout: 240)
            #expect(output.status == 0, "\(output.combined)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any], "\(output.combined)")
            let served = try #require(summary["served"] as? Int), refused = try #require(summary["refused_503"] as? Int)
            #expect((summary["errors"] as? [Any])?.isEmpty == true, "\(summary)")
            #expect(served + refused == 50 && served >= 21, "\(summary)")
            #expect(summary["server_alive"] as? Bool == true)
            let peak = try #require(summary["server_peak_mib"] as? Double)
            #expect(peak < 400, "the server's peak memory was \(peak) MiB")
        }
    }
}
