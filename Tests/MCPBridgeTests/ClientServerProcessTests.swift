import Agent
import AgentTools
import Foundation
import MCP
import Testing
@testable import MCPBridge

/// Ponder as an MCP client of real servers: the official Python SDK's (a unit
/// converter with a lookup, an image, a long text and a tool that raises; one that
/// exits mid-call or hangs), one written by hand with malformed results, a command
/// that does not exist. One at a time: they start processes.
@Suite(.serialized)
struct MCPClientServerProcessTests {
    private func tool(_ name: String, in servers: MCPServerSet) throws -> MCPServerTool {
        try #require(servers.tools.first { $0.name == name }, "no \(name) among \(servers.tools.map(\.name))")
    }

    @Test("a Python SDK server: tools listed with schemas, called, an error, an image, a long result cut; the server ended on close")
    func pythonServer() async throws {
        let tag = UUID().uuidString
        let folder = try ClientResultTests.temporaryFolder()
        let servers = try await ClientTestSupport.connect("units_server.py", tag: tag, settings: MCPClientSettings(maximumResultCharacters: 1000))
        do {
            #expect(servers.tools.map(\.name) == ["convert_length", "kilometres_to_metres", "lookup_element", "red_square", "long_text", "explode"])
            let converter = try tool("convert_length", in: servers)
            #expect(converter.description.hasPrefix("Convert a length from one unit to another"))
            #expect(ArgumentSchema(json: try #require(converter.inputSchema))?.arguments.map(\.name) == ["value", "from_unit", "to_unit"])

            let context = ToolContext(outputDirectory: folder)
            let converted = try await converter.run(#"{"value": 3.5, "from_unit": "km", "to_unit": "m"}"#, context: context)
            #expect(converted == ToolResult(text: "3.5 kilometres = 3500 metres"))
            #expect(try await tool("lookup_element", in: servers).run("Fe", context: context) == ToolResult(text: "Fe: iron, atomic number 26"))

            let unknownUnit = try await converter.run(#"{"value": 1, "from_unit": "parsec", "to_unit": "m"}"#, context: context)
            #expect(!unknownUnit.ok && unknownUnit.text.hasPrefix("error: ") && unknownUnit.text.contains("unknown unit 'parsec'"))
            let exploded = try await tool("explode", in: servers).run(#"{"reason": "on purpose"}"#, context: context)
            #expect(!exploded.ok && exploded.text.contains("exploded: on purpose"), "\(exploded)")
            let badJSON = try await converter.run("3.5 km in m", context: context)
            #expect(!badJSON.ok && badJSON.text.hasPrefix("error: the arguments of 'convert_length' must be a JSON object"))

            let image = try await tool("red_square", in: servers).run("{}", context: context)
            #expect(image.ok && image.files.count == 1 && image.files[0].hasPrefix(folder) && image.text == "image saved: \(image.files[0])")
            #expect(FileManager.default.contents(atPath: image.files[0])?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)

            let long = try await tool("long_text", in: servers).run(#"{"characters": 30000}"#, context: context)
            #expect(long.ok && long.text.contains("[… cut: the result had 30000 characters; only the first 1000 are shown]"))
        } catch {
            await servers.close()
            throw error
        }
        await servers.close()
        #expect(await ClientTestSupport.noProcessLeft(tagged: tag))
    }

    @Test("a server that exits in the middle of a call: an error naming it, its status and its last words; later calls fail at once")
    func serverExitsMidCall() async throws {
        let tag = UUID().uuidString
        let servers = try await ClientTestSupport.connect("misbehaving_server.py", tag: tag)
        let exit = try tool("exit_now", in: servers)
        let result = try await exit.run(#"{"status": 3}"#, context: ToolContext())
        #expect(!result.ok && result.text.contains("stopped: it exited with status 3") && result.text.contains("exit_now: giving up"), "\(result.text)")
        let after = try await tool("echo", in: servers).run(#"{"text": "hi"}"#, context: ToolContext())
        #expect(!after.ok && after.text.contains("stopped"))
        await servers.close()
        #expect(await ClientTestSupport.noProcessLeft(tagged: tag))
    }

    @Test("a tool that hangs: a timeout error after --mcp-timeout; the server is still ended on close")
    func serverHangs() async throws {
        let tag = UUID().uuidString
        let servers = try await ClientTestSupport.connect("misbehaving_server.py", tag: tag, settings: MCPClientSettings(callTimeout: .seconds(1)))
        let result = try await tool("hang", in: servers).run("{}", context: ToolContext())
        #expect(!result.ok && result.text == "error: the tool 'hang' of the MCP server '\(ClientTestSupport.python)' did not answer within 1 s (--mcp-timeout sets the limit; --timeout for ponder tool mcp)")
        await servers.close()
        #expect(await ClientTestSupport.noProcessLeft(tagged: tag))
    }

    @Test("a command that does not exist, one that exits at once, one that never answers: clear errors, nothing left running")
    func serversThatDoNotStart() async throws {
        await #expect(throws: MCPClientError.commandNotFound("no-such-mcp-server-4711")) {
            try await MCPServerSet.connect([try MCPServerEndpoint.command(line: "no-such-mcp-server-4711 --flag")])
        }
        let failing = "\(ClientTestSupport.python) -c \"import sys; print('bad configuration file', file=sys.stderr); sys.exit(2)\""
        do {
            _ = try await MCPServerSet.connect([try MCPServerEndpoint.command(line: failing)])
            Issue.record("a server that exits at once connected")
        } catch let error as MCPClientError {
            #expect(error.description.contains("did not start") && error.description.contains("status 2") && error.description.contains("bad configuration file"), "\(error)")
        }
        let tag = UUID().uuidString
        let silent = "\(ClientTestSupport.python) -c \"import time; time.sleep(120)\" \(tag)"
        await #expect(throws: MCPClientError.handshakeTimedOut(server: ClientTestSupport.python, seconds: 1)) {
            try await MCPServerSet.connect([try MCPServerEndpoint.command(line: silent)], settings: MCPClientSettings(handshakeTimeout: .seconds(1)))
        }
        #expect(await ClientTestSupport.noProcessLeft(tagged: tag))
    }

    @Test("a hand-written server's malformed results are read item by item; names that collide or are no marker names are changed")
    func malformedServer() async throws {
        let servers = try await ClientTestSupport.connect("raw_server.py")
        defer { Task { await servers.close() } }
        #expect(servers.tools.map(\.name) == ["odd_content", "not_a_list", "not_an_object", "mcp_calc", "weird_name_"])
        let odd = try await tool("odd_content", in: servers).run("", context: ToolContext())
        #expect(odd.ok && odd.text.hasPrefix("first\n[content item 2 of unknown type 'hologram' not shown]") && odd.text.hasSuffix("last"))
        let notAnObject = try await tool("not_an_object", in: servers).run("", context: ToolContext())
        #expect(!notAnObject.ok && notAnObject.text.contains("not a tool result"))
        #expect(try await tool("mcp_calc", in: servers).run(#"{"x": 1}"#, context: ToolContext()).text == "server calc")
        #expect(try await tool("weird_name_", in: servers).run("", context: ToolContext()).text == "weird")
        await servers.close()
    }

    @Test("a server over streamable HTTP (--mcp-url), replying with event streams or with JSON", arguments: [false, true])
    func httpServer(json: Bool) async throws {
        let port = ClientTestSupport.freePort()
        let server = try ServerProcess(try ServerCommandLine(ClientTestSupport.serverCommand("units_server.py") + " --http \(port)" + (json ? " --json" : "")))
        defer { Task { await server.stop() } }
        var servers: MCPServerSet?
        // The server takes a moment to listen.
        for _ in 0..<100 where servers == nil && server.isRunning {
            servers = try? await MCPServerSet.connect([try MCPServerEndpoint.url("http://127.0.0.1:\(port)/mcp")], settings: MCPClientSettings(handshakeTimeout: .seconds(5)))
            if servers == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let connected = try #require(servers, "no connection: \(server.standardErrorTail)")
        let converted = try await tool("convert_length", in: connected).run(#"{"value": 2, "from_unit": "miles", "to_unit": "km"}"#, context: ToolContext())
        #expect(converted == ToolResult(text: "2 miles = 3.218688 kilometres"))
        let failed = try await tool("explode", in: connected).run(#"{"reason": "over HTTP"}"#, context: ToolContext())
        #expect(!failed.ok && failed.text.contains("exploded: over HTTP"))
        await connected.close()
        await server.stop()
    }

    @Test("ponder tool mcp: --list, a call, an unknown tool, bad JSON, a tool's error; ask with a server that cannot start")
    func toolCommand() async throws {
        let server = ClientTestSupport.serverCommand("units_server.py")
        let listed = try await ClientTestSupport.runPonder(["tool", "mcp", "--server", server, "--list"], timeout: 60)
        #expect(listed.status == 0, "\(listed.combined)")
        #expect(listed.standardOutput.contains("convert_length: Convert a length from one unit to another"))
        #expect(listed.standardOutput.contains(#"  arguments: {"value": number, "from_unit": string, "to_unit": string}"#))
        #expect(listed.standardOutput.contains(#"  schema: {"#))

        let called = try await ClientTestSupport.runPonder(
            ["tool", "mcp", "--server", server, "convert_length", #"{"value": 3.5, "from_unit": "km", "to_unit": "m"}"#], timeout: 60)
        #expect(called.status == 0 && called.standardOutput == "3.5 kilometres = 3500 metres\n", "\(called.combined)")

        let unknown = try await ClientTestSupport.runPonder(["tool", "mcp", "--server", server, "convert_weight", "{}"], timeout: 60)
        #expect(unknown.status == 1 && unknown.standardError.contains("there is no tool 'convert_weight'; the server's tools are: convert_length, kilometres_to_metres, lookup_element"), "\(unknown.combined)")

        let badJSON = try await ClientTestSupport.runPonder(["tool", "mcp", "--server", server, "convert_length", "{value: 3}"], timeout: 60)
        #expect(badJSON.status == 64 || badJSON.status == 2, "\(badJSON.combined)")
        #expect(badJSON.standardError.contains("the arguments are not JSON"))

        let failed = try await ClientTestSupport.runPonder(["tool", "mcp", "--server", server, "explode", #"{"reason": "test"}"#], timeout: 60)
        #expect(failed.status == 1 && failed.standardOutput.hasPrefix("error: ") && failed.standardOutput.contains("exploded: test"), "\(failed.combined)")

        let missing = try await ClientTestSupport.runPonder(["tool", "mcp", "--server", "no-such-mcp-server-4711", "--list"], timeout: 60)
        #expect(missing.status == 1 && missing.standardError.contains("'no-such-mcp-server-4711' was not found"), "\(missing.combined)")
        let askMissing = try await ClientTestSupport.runPonder(
            ["ask", "--model", ClientTestSupport.model, "--mcp", "no-such-mcp-server-4711 --flag", "How many metres are 2 km?"], timeout: 120)
        #expect(askMissing.status == 1 && askMissing.standardError.contains("error: the MCP server command 'no-such-mcp-server-4711' was not found"), "\(askMissing.combined)")
        let unclosed = try await ClientTestSupport.runPonder(["ask", "--mcp", "python3 'server.py", "Hi"], timeout: 60)
        #expect(unclosed.status != 0 && unclosed.status != 1 && unclosed.standardError.contains("a single quote is not closed"), "\(unclosed.combined)")
    }

    @Test("a server busy in a call is ended when Ponder gets SIGTERM or SIGINT", arguments: [SIGTERM, SIGINT])
    func killedPonderEndsItsServers(signal: Int32) async throws {
        let tag = UUID().uuidString
        let ponder = Process()
        ponder.executableURL = URL(fileURLWithPath: ClientTestSupport.ponder)
        ponder.arguments = ["tool", "mcp", "--server", ClientTestSupport.serverCommand("misbehaving_server.py", tag: tag), "hang", "{}", "--timeout", "120"]
        ponder.standardOutput = FileHandle.nullDevice
        ponder.standardError = FileHandle.nullDevice
        ponder.standardInput = FileHandle.nullDevice
        try ponder.run()
        defer { if ponder.isRunning { kill(ponder.processIdentifier, SIGKILL) } }
        // Wait until the server runs and the call is on its way.
        for _ in 0..<200 where ClientTestSupport.processes(containing: tag).count < 2 {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(1500))
        #expect(ClientTestSupport.processes(containing: tag).count == 2)
        kill(ponder.processIdentifier, signal)
        #expect(await ClientTestSupport.noProcessLeft(tagged: tag), "left: \(ClientTestSupport.processes(containing: tag))")
    }

    /// `ponder ask --json --mcp <units server> QUESTION` with the default model (greedy): the object it prints.
    private func ask(_ question: String, tag: String) async throws -> [String: Any] {
        let output = try await ClientTestSupport.runPonder(
            ["ask", "--model", ClientTestSupport.model, "--json", "--mcp", ClientTestSupport.serverCommand("units_server.py", tag: tag), question],
            timeout: 300)
        #expect(output.status == 0, "\(output.combined)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any], "\(output.combined)")
    }

    @Test("ponder ask --mcp with the default model: the question's words route it to the server's tool, which answers")
    func askUsesTheServersTools() async throws {
        let tag = UUID().uuidString
        // A number copied into the arguments, and the result's number kept in the answer.
        let conversion = try await ask("How many metres are 3.5 kilometres?", tag: tag)
        let steps = try #require(conversion["steps"] as? [[String: Any]])
        #expect(steps.count == 1 && steps.first?["tool"] as? String == "kilometres_to_metres", "\(conversion)")
        #expect(steps.first?["input"] as? String == #"{"kilometres": 3.5}"#, "\(conversion)")
        #expect(steps.first?["output"] as? String == "3.5 kilometres = 3500 metres", "\(conversion)")
        #expect((conversion["answer"] as? String)?.contains("3500") == true, "\(conversion)")
        // A string copied from the question.
        let lookup = try await ask("What is the atomic number of the element with the symbol Fe?", tag: tag)
        let lookupSteps = try #require(lookup["steps"] as? [[String: Any]])
        #expect(lookupSteps.first?["input"] as? String == #"{"symbol": "Fe"}"#, "\(lookup)")
        #expect((lookup["answer"] as? String)?.contains("26") == true, "\(lookup)")
        #expect(await ClientTestSupport.noProcessLeft(tagged: tag))
    }
}
