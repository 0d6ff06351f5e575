import Foundation
import Testing

extension ServerProcessTests {
    /// `ponder serve` as a command: its usage errors, where it listens, how it stops.
    @Suite
    struct ServeCommandTests {
        @Test("bad options are usage errors (exit 2) naming the option")
        func usage() async throws {
            let cases = [
                (["--port", "70000"], "--port"), (["--queue", "-1"], "--queue"), (["--max-body", "0"], "--max-body"),
                (["--max-connections", "0"], "--max-connections"), (["--idle-timeout", "0"], "--idle-timeout"),
                (["--header-timeout", "-1"], "--header-timeout"), (["--body-timeout", "100000"], "--body-timeout"),
                (["--cors", "localhost:5173"], "--cors"), (["--cors", "http://app.example/path"], "--cors"),
                (["--allowed-host", "http://ponder.lan/"], "--allowed-host"),
            ]
            for (arguments, option) in cases {
                let output = try await ServeTestSupport.run(ServeTestSupport.ponder, ["serve"] + arguments, timeout: 30)
                #expect(output.status == 2, "\(arguments): \(output.combined)")
                #expect(output.standardError.contains(option), "\(output.standardError)")
            }
        }

        @Test("--help says which Host names and origins are answered, by default and bound to every interface")
        func help() async throws {
            let output = try await ServeTestSupport.run(ServeTestSupport.ponder, ["serve", "--help"], timeout: 30)
            #expect(output.status == 0)
            for fragment in ["--allowed-host", "--cors", "--max-connections", "--idle-timeout", "--header-timeout", "--body-timeout",
                             "0.0.0.0", "host name", "application/json"] {
                #expect(output.standardOutput.contains(fragment), "\(fragment)")
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
