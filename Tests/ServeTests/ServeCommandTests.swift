import Foundation
import Testing

extension ServerProcessTests {
    /// `ponder serve` as a command: its usage errors, where it listens, how it stops.
    @Suite
    struct ServeCommandTests {
        @Test("bad options are usage errors (exit 2) naming the option")
        func usage() async throws {
            for (arguments, option) in [(["--port", "70000"], "--port"), (["--queue", "-1"], "--queue"), (["--max-body", "0"], "--max-body")] {
                let output = try await ServeTestSupport.run(ServeTestSupport.ponder, ["serve"] + arguments, timeout: 30)
                #expect(output.status == 2, "\(arguments): \(output.combined)")
                #expect(output.standardError.contains(option), "\(output.standardError)")
            }
        }

        @Test("listens on 127.0.0.1 by default and stops cleanly on SIGTERM")
        func loopbackAndStop() async throws {
            let server = try await ServerProcess.start()
            #expect(server.baseURL.hasPrefix("http://127.0.0.1:"))
            #expect(server.standardError.contains("models: SmolLM2-135M-Instruct.Q4_1.gguf, ponder, ponder-agent"))
            await server.stop()
            #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0)
        }
    }
}
