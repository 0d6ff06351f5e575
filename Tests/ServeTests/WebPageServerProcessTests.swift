import Foundation
import Testing

extension ServerProcessTests {
    /// The web page in headless Chromium (Selenium, `Scripts/web_page.py`) against a
    /// real `ponder serve` with the default model. `PONDER_SCREENSHOTS=DIR` saves
    /// the screenshots of each state, light and dark (`docs/images/` holds them).
    @Suite
    struct WebPageServerProcessTests {
        static let chromium = "/usr/bin/chromium", chromedriver = "/usr/bin/chromedriver"

        func runPage(
            _ script: String = "web_page.py", serverArguments: [String] = [], scriptArguments: [String] = []
        ) async throws -> ServeTestSupport.Output {
            #expect(
                FileManager.default.isExecutableFile(atPath: Self.chromium) && FileManager.default.isExecutableFile(atPath: Self.chromedriver),
                "no Chromium or its driver in /usr/bin: tools/setup --tests installs them")
            return try await ServerProcess.with(serverArguments) { server in
                let output = try await ServeTestSupport.runScript(script, [server.baseURL] + scriptArguments, timeout: 240)
                #expect(
                    output.status == 0 && output.standardOutput.hasSuffix("ok\n"),
                    "\(script):\n\(output.combined)\nserver:\n\(server.standardError)")
                #expect(server.isRunning, "the server exited: \(server.standardError)")
                return output
            }
        }

        @Test("""
            the page loads without console errors, under 100 KB; 24*78 answers 1872 with the calculator's step; a plot shows \
            its figure (and no path leaves the run's folder); a deliberate Game of 24 draws its tree and answers; Stop ends \
            the run on the server; model text with <img onerror> or <script> renders as text
            """)
        func page() async throws {
            let output = try await runPage()
            let line = output.standardOutput.split(separator: "\n").first { $0.hasPrefix("{") } ?? ""
            let measured = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let bytes = try #require(measured?["page_bytes"] as? Int, "\(output.combined)")
            #expect(bytes < 100_000)
        }

        @Test("ponder_events through the openai SDK: start, the calculator's step, the answer, in chunks without choices; none unless asked")
        func events() async throws {
            _ = try await runPage("web_page_events.py")
        }

        @Test("--api-key: the page loads without the key, asks for it (again when refused) and keeps it in the tab")
        func apiKey() async throws {
            _ = try await runPage(serverArguments: ["--api-key", "page-key-4711"], scriptArguments: ["--key", "page-key-4711"])
        }
    }
}
