import Foundation
import Testing

/// `ponder mcp` as a child process, driven by the official MCP Python SDK over stdio
/// and over streamable HTTP, and by hand for its shutdown. One at a time, so they leave
/// the other suites a core.
@Suite(.serialized)
struct MCPServerProcessTests {
    /// The server's flags for a test: the default model on one thread, a fresh output
    /// folder, loopback pages allowed (the fetch test's page is on 127.0.0.1).
    static func serverArguments(outputDirectory: String) -> [String] {
        ["--model", MCPTestSupport.model, "-t", "1", "--output-dir", outputDirectory, "--allow-private"]
    }

    @Test("the Python SDK over stdio: tools listed with schemas, each called, an image, errors, ask with progress")
    func stdio() async throws {
        let folder = try MCPTestSupport.temporaryFolder("ponder-mcp-stdio")
        let output = try await MCPTestSupport.runScript(
            "mcp_client.py", ["stdio", MCPTestSupport.ponder, "mcp"] + Self.serverArguments(outputDirectory: folder), timeout: 400)
        try Self.check(output)
        #expect(await Self.noProcessLeft(mentioning: folder), "a Python worker outlived the server: \(MCPTestSupport.processes(containing: folder))")
    }

    @Test("the Python SDK over streamable HTTP; a foreign Host or Origin refused, a --cors origin served; SIGTERM stops the server while a client holds a session")
    func http() async throws {
        let folder = try MCPTestSupport.temporaryFolder("ponder-mcp-http")
        let (server, url) = try await MCPChildProcess.start(
            MCPTestSupport.ponder, ["mcp", "--http", "0", "--cors", "http://localhost:5173"] + Self.serverArguments(outputDirectory: folder),
            waitingFor: #"http://127\.0\.0\.1:[0-9]+/mcp"#)
        defer { server.stop() }
        let output = try await MCPTestSupport.runScript("mcp_client.py", ["http", url], timeout: 400)
        try Self.check(output, serverLog: server.standardError)

        let refused = try await MCPTestSupport.runScript("mcp_client.py", ["foreign-host", url], timeout: 60)
        let answer = try #require(
            try JSONSerialization.jsonObject(with: Data(refused.standardOutput.utf8)) as? [String: Any], "\(refused.combined)")
        #expect(answer["status"] as? Int == 403, "\(answer)")
        #expect((answer["body"] as? String)?.contains("evil.example") == true, "\(answer)")
        let preflight = answer["preflight"] as? [String: Any] ?? [:]
        #expect(preflight["status"] as? Int == 204 && preflight["allow_origin"] as? String == "http://localhost:5173", "\(answer)")
        #expect((preflight["allow_headers"] as? String)?.contains("MCP-Protocol-Version") == true, "\(answer)")
        let corsPost = answer["cors_post"] as? [String: Any] ?? [:]
        #expect(corsPost["status"] as? Int == 200 && corsPost["allow_origin"] as? String == "http://localhost:5173", "\(answer)")
        #expect(corsPost["expose"] as? String == "MCP-Session-Id", "\(answer)")
        #expect((answer["foreign_origin"] as? [String: Any])?["status"] as? Int == 403, "\(answer)")
        #expect(server.isRunning, "the server exited: \(server.standardError)")

        // A client holding its session (and so its GET stream) open does not keep the
        // server from stopping.
        let (holder, _) = try await MCPChildProcess.start(
            MCPTestSupport.python, [MCPTestSupport.script("mcp_client.py"), "hold", url], waitingFor: "session open")
        defer { holder.stop() }
        kill(server.process.processIdentifier, SIGTERM)
        #expect(await Self.exits(server.process, within: 30), "the server did not stop on SIGTERM: \(server.standardError)")
        #expect(await Self.noProcessLeft(mentioning: folder))
    }

    /// Whether `process` exits within `seconds` (a hang guard, not a timing).
    static func exits(_ process: Process, within seconds: Int) async -> Bool {
        for _ in 0..<(seconds * 10) {
            if !process.isRunning { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return !process.isRunning
    }

    @Test("stdio: only protocol messages on standard output; the server exits 0 when its input closes, its Python worker with it; --search-url adds web_search")
    func stdioShutdown() async throws {
        let folder = try MCPTestSupport.temporaryFolder("ponder-mcp-shutdown")
        let messages = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"calculator","arguments":{"expression":"2^64"}}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"python","arguments":{"code":"print(6 * 7)"}}}"#,
        ]
        let input = Data((messages.joined(separator: "\n") + "\n").utf8)
        // The input ends right after the requests: whichever answers are written before
        // the server stops, standard output holds protocol messages and nothing else, and
        // the Python worker the last call starts does not outlive the server.
        let output = try await MCPTestSupport.run(
            MCPTestSupport.ponder, ["mcp", "--search-url", "http://127.0.0.1:9/search"] + Self.serverArguments(outputDirectory: folder),
            input: input, timeout: 60)
        #expect(!output.timedOut && output.status == 0, "\(output.combined)")
        let lines = output.standardOutput.split(separator: "\n")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count, "standard output has lines that are not JSON-RPC messages:\n\(output.standardOutput)")
        #expect(objects.allSatisfy { $0["jsonrpc"] as? String == "2.0" })
        #expect(output.standardError.contains("ponder mcp: serving calculator, fetch, python, web_search, ask over stdio"), "\(output.standardError)")
        #expect(await Self.noProcessLeft(mentioning: folder), "a Python worker outlived the server: \(MCPTestSupport.processes(containing: folder))")
    }

    @Test("the model loads at the first ask: a model file that cannot load leaves the other tools working and makes ask an error result")
    func lazyModel() async throws {
        let folder = try MCPTestSupport.temporaryFolder("ponder-mcp-lazy")
        let model = folder + "/broken.gguf"
        try Data("not a GGUF file".utf8).write(to: URL(fileURLWithPath: model))
        let output = try await MCPTestSupport.runScript(
            "mcp_client.py", ["quick", "What is 24*78?", MCPTestSupport.ponder, "mcp", "--model", model, "--output-dir", folder], timeout: 120)
        #expect(output.status == 0, "\(output.combined)")
        let report = try #require(try? JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any], "\(output.combined)")
        #expect(report["tools"] as? [String] == ["calculator", "fetch", "python", "ask"])
        let calculator = try Self.result(report, "calculator")
        #expect(calculator.texts == ["1872"] && !calculator.isError, "\(calculator)")
        let ask = try Self.result(report, "ask")
        #expect(ask.isError && ask.texts.first?.hasPrefix("error: the agent could not answer:") == true, "\(ask)")
    }

    @Test("ask on the remote backend: ponder mcp --backend openai against ponder serve")
    func remoteBackend() async throws {
        let folder = try MCPTestSupport.temporaryFolder("ponder-mcp-remote")
        let (backend, base) = try await MCPChildProcess.start(
            MCPTestSupport.ponder, ["serve", "--port", "0", "-t", "1", "--model", MCPTestSupport.model, "--output-dir", folder],
            waitingFor: #"http://127\.0\.0\.1:[0-9]+/v1"#)
        defer { backend.stop() }
        let output = try await MCPTestSupport.runScript(
            "mcp_client.py", ["quick", "What is 24*78?", MCPTestSupport.ponder, "mcp", "--backend", "openai", "--base-url", base, "--output-dir", folder],
            timeout: 300)
        #expect(output.status == 0, "\(output.combined)\nbackend:\n\(backend.standardError)")
        let report = try #require(try? JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any], "\(output.combined)")
        let ask = try Self.result(report, "ask")
        #expect(!ask.isError && ask.texts.first?.contains("1872") == true, "\(ask)")
    }

    @Test("ponder mcp --mcp: ask's agent calls another MCP server's tool, and that server stops with ponder mcp")
    func askWithAnotherServersTools() async throws {
        let folder = try MCPTestSupport.temporaryFolder("ponder-mcp-chained")
        let tag = UUID().uuidString
        let units = "\(MCPTestSupport.python) \(MCPTestSupport.script("units_server.py")) \(tag)"
        let output = try await MCPTestSupport.runScript(
            "mcp_client.py",
            ["quick", "How many metres are 3.5 kilometres?", MCPTestSupport.ponder, "mcp", "--mcp", units]
                + Self.serverArguments(outputDirectory: folder),
            timeout: 300)
        #expect(output.status == 0, "\(output.combined)")
        let report = try #require(try? JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any], "\(output.combined)")
        let ask = try Self.result(report, "ask")
        #expect(!ask.isError && (ask.structured?["answer"] as? String)?.contains("3500") == true, "\(ask)")
        let steps = ask.structured?["steps"] as? [[String: Any]] ?? []
        #expect(steps.contains { $0["tool"] as? String == "kilometres_to_metres" }, "\(ask)")
        #expect(await Self.noProcessLeft(mentioning: tag), "the units server outlived ponder mcp")
    }

    @Test("--help explains the server and shows a client configuration")
    func help() async throws {
        let output = try await MCPTestSupport.run(MCPTestSupport.ponder, ["mcp", "--help"], timeout: 30)
        #expect(output.status == 0)
        for expected in ["mcpServers", "--http", "--model", "--allow-private", "deliberate_seconds", "stdio"] {
            #expect(output.standardOutput.contains(expected), "\(expected) missing from:\n\(output.standardOutput)")
        }
    }

    /// Checks the JSON report of mcp_client.py.
    static func check(_ output: MCPTestSupport.Output, serverLog: String = "") throws {
        #expect(output.status == 0 && !output.timedOut, "\(output.combined)\nserver:\n\(serverLog)")
        let report = try #require(
            try? JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any],
            "no report:\n\(output.combined)\nserver:\n\(serverLog)")

        let tools = try #require(report["tools"] as? [String: [String: Any]])
        #expect(Set(tools.keys) == ["calculator", "fetch", "python", "ask"], "\(tools.keys)")
        let argument = ["calculator": "expression", "fetch": "url", "python": "code", "ask": "question"]
        for (name, property) in argument {
            let schema = try #require(tools[name]?["schema"] as? [String: Any], "\(name)")
            let properties = try #require(schema["properties"] as? [String: Any], "\(name)")
            #expect(properties[property] != nil, "\(name): \(schema)")
            #expect((schema["required"] as? [String])?.contains(property) == true, "\(name): \(schema)")
            let description = tools[name]?["description"] as? String ?? ""
            #expect(description.count > 20, "\(name): \(description)")
        }

        let calculator = try result(report, "calculator")
        #expect(calculator.texts == ["1872"] && !calculator.isError, "\(calculator)")
        let calculatorError = try result(report, "calculator_error")
        #expect(calculatorError.isError && calculatorError.texts.first?.hasPrefix("error:") == true, "\(calculatorError)")
        let badArguments = try result(report, "bad_arguments")
        #expect(badArguments.isError && badArguments.texts.first?.contains("unknown argument 'formula'") == true, "\(badArguments)")

        let python = try result(report, "python")
        #expect(!python.isError, "\(python)")
        #expect(python.texts.first?.contains("plotted") == true && python.texts.first?.contains("figure saved:") == true, "\(python)")
        let image = try #require(python.images.first, "no image: \(python)")
        #expect(image["mime_type"] as? String == "image/png")
        #expect((image["width"] as? Int ?? 0) > 100 && (image["height"] as? Int ?? 0) > 100, "\(image)")

        let fetch = try result(report, "fetch")
        #expect(!fetch.isError && fetch.texts.first?.contains("largest living rodent") == true, "\(fetch)")
        let unknown = try #require(report["unknown_tool"] as? String)
        #expect(unknown != "no error" && unknown.contains("no_such_tool"), "\(unknown)")

        let ask = try result(report, "ask")
        #expect(!ask.isError && ask.texts.first?.contains("1872") == true, "\(ask)")
        #expect((ask.structured?["answer"] as? String)?.contains("1872") == true, "\(ask)")
        #expect((ask.structured?["steps"] as? [[String: Any]])?.contains { $0["tool"] as? String == "calc" } == true, "\(ask)")

        let deliberate = try result(report, "ask_deliberate")
        #expect(!deliberate.isError && deliberate.structured?["mode"] as? String == "deliberate", "\(deliberate)")
        let progress = try #require(report["progress"] as? [[String: Any]])
        #expect(!progress.isEmpty, "no progress notifications during a deliberate ask")
        #expect(progress.allSatisfy { ($0["message"] as? String)?.hasPrefix("thinking:") == true }, "\(progress)")
    }

    /// One call's result in the report.
    struct CallReport: CustomStringConvertible {
        let texts: [String]
        let images: [[String: Any]]
        let isError: Bool
        let structured: [String: Any]?
        var description: String { "texts: \(texts), images: \(images), isError: \(isError), structured: \(structured ?? [:])" }
    }

    static func result(_ report: [String: Any], _ name: String) throws -> CallReport {
        let entry = try #require(report[name] as? [String: Any], "no \(name) in the report")
        return CallReport(
            texts: entry["texts"] as? [String] ?? [], images: entry["images"] as? [[String: Any]] ?? [],
            isError: entry["is_error"] as? Bool ?? false, structured: entry["structured"] as? [String: Any])
    }

    /// Whether, within a few seconds, no process mentions `folder` on its command line
    /// (a Python worker's sandbox description names its writable folders).
    static func noProcessLeft(mentioning folder: String) async -> Bool {
        for _ in 0..<100 {
            if MCPTestSupport.processes(containing: folder).isEmpty { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
