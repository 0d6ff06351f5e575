import Agent
import AgentTools
import MCP
import MCPBridge
import Testing

/// `PonderMCPServer` in process, through the SDK's client on an in-memory transport:
/// the tool list, a call, an unknown tool, and the Host and Origin rules of the HTTP transport.
@Suite struct ServerProtocolTests {
    @Test func aClientListsAndCallsTheTools() async throws {
        let served = PonderMCPServer(
            toolbox: .standard(ToolboxSettings(outputDirectory: "/nonexistent-output")), outputDirectory: nil,
            agent: AgentHost(loadingOffThePool: { throw ToolArgumentError.missing("no model in this test") }))
        let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
        let server = await served.makeServer()
        try await server.start(transport: serverSide)
        let client = Client(name: "test", version: "1")
        _ = try await client.connect(transport: clientSide)

        let (tools, _) = try await client.listTools()
        #expect(tools.map(\.name) == ["calculator", "fetch", "python", "ask"])
        let (content, isError) = try await client.callTool(name: "calculator", arguments: ["expression": "2^10"])
        #expect(ServerTestContent.texts(content) == ["1024"] && isError == nil)
        await #expect(throws: MCPError.self) { _ = try await client.callTool(name: "no_such_tool", arguments: [:]) }
        // The server still serves after the error.
        let again = try await client.callTool(name: "calculator", arguments: ["expression": "1/0"])
        #expect(again.isError == true)

        await client.disconnect()
        await server.stop()
        await served.close()
    }

    @Test func aLoopbackServerAnswersItsOwnNamesOnly() {
        let rules = HostOriginGuard(bindAddress: "127.0.0.1")
        #expect(rules.refusal(host: "127.0.0.1:8765", origin: nil) == nil)
        #expect(rules.refusal(host: "localhost:8765", origin: nil) == nil)
        #expect(rules.refusal(host: "[::1]:8765", origin: nil) == nil)
        #expect(rules.refusal(host: "evil.example:8765", origin: nil)?.statusCode == 403)
        #expect(rules.refusal(host: nil, origin: nil)?.statusCode == 400)
        #expect(rules.refusal(host: "localhost:8765", origin: "http://localhost:8765") == nil)
        #expect(rules.refusal(host: "localhost:8765", origin: "http://evil.example")?.statusCode == 403)
    }

    @Test func allowedHostsAndCORSOriginsWidenTheRules() {
        let rules = HostOriginGuard(bindAddress: "127.0.0.1", allowedHosts: ["ponder.lan"], corsOrigins: ["http://localhost:5173/"])
        #expect(rules.refusal(host: "PONDER.LAN.:80", origin: nil) == nil)
        #expect(rules.refusal(host: "localhost:8765", origin: "http://localhost:5173") == nil)
        #expect(rules.corsOrigin(for: "http://LOCALHOST:5173") == "http://localhost:5173")
        #expect(rules.corsOrigin(for: "http://localhost:8765") == nil && rules.corsOrigin(for: nil) == nil)
        let any = HostOriginGuard(bindAddress: "127.0.0.1", allowedHosts: ["*"])
        #expect(any.refusal(host: "anything.example", origin: nil) == nil)
        #expect(any.refusal(host: "anything.example", origin: "http://other.example")?.statusCode == 403)
        let everyInterface = HostOriginGuard(bindAddress: "0.0.0.0", machineNames: { ["box"] })
        #expect(everyInterface.refusal(host: "box:8765", origin: nil) == nil)
        #expect(everyInterface.refusal(host: "127.0.0.1:8765", origin: nil) == nil)
        #expect(everyInterface.refusal(host: "evil.example", origin: nil)?.statusCode == 403)
    }
}
