import Agent
import AgentTools
import MCP
import Synchronization

/// Ponder's tools as an MCP server: `calculator`, `fetch`, `python`, `web_search` (when
/// the toolbox has it) and `ask`, the whole agent. One value serves any number of
/// connections (`makeServer()` per connection); `serveStandardIO()` serves one client
/// on standard input and output until its input closes.
///
///     let served = PonderMCPServer(toolbox: .standard(settings), outputDirectory: folder, agent: host)
///     try await served.serveStandardIO()
///     await served.close()
public struct PonderMCPServer: Sendable {
    /// The tools, in the order `tools/list` gives them.
    public let tools: [any ServedTool]
    /// The toolbox the direct tools run from (its Python session is stopped by `close()`).
    public let toolbox: Toolbox
    /// The agent behind `ask`, if served.
    public let agent: AgentHost?
    /// The `tools/call`s being answered, on every connection.
    private let callsInFlight = CallCounter()

    /// What clients read about the server as a whole.
    public static let instructions =
        "Ponder's tools: an exact calculator, a web fetcher that refuses private addresses unless allowed, sandboxed Python "
        + "whose figures come back as PNG images, and ask, a local agent that uses them to answer a question."

    /// Serves `toolbox`'s standard tools (files written into `outputDirectory`) and,
    /// when `agent` is given, `ask`.
    public init(toolbox: Toolbox, outputDirectory: String?, agent: AgentHost?) {
        var tools: [any ServedTool] = AgentToolAdapter.tools(of: toolbox, outputDirectory: outputDirectory)
        if let agent { tools.append(AskTool(host: agent)) }
        self.tools = tools
        self.toolbox = toolbox
        self.agent = agent
    }

    /// The tools' names, in order.
    public var names: [String] { tools.map(\.name) }

    /// A server for one connection, its handlers registered (start it with a transport).
    public func makeServer() async -> Server {
        let server = Server(
            name: MCPBridgeInfo.implementationName, version: MCPBridgeInfo.version, title: "Ponder", instructions: Self.instructions,
            capabilities: .init(tools: .init(listChanged: false)))
        let tools = self.tools, callsInFlight = self.callsInFlight
        let definitions = tools.map(\.definition)
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: definitions) }
        await server.withMethodHandler(CallTool.self) { [weak server] parameters in
            guard let tool = tools.first(where: { $0.name == parameters.name }) else {
                throw MCPError.invalidParams("Unknown tool: '\(parameters.name)' (this server has \(definitions.map(\.name).joined(separator: ", ")))")
            }
            let progress = Self.reporter(token: parameters._meta?.progressToken, server: server)
            callsInFlight.add(1)
            defer { callsInFlight.add(-1) }
            return try await tool.call(parameters.arguments, progress: progress)
        }
        return server
    }

    /// Serves one client over standard input and output until its input closes; calls
    /// still running then get `shutdownGrace` to finish before they are abandoned.
    /// Nothing else may write to standard output.
    public func serveStandardIO(shutdownGrace: Duration = .seconds(5)) async throws {
        let server = await makeServer()
        try await server.start(transport: StdioTransport())
        await server.waitUntilCompleted()
        // Requests read just before the end of input have only just been handed to
        // their handlers: let them start, then wait for the calls among them.
        try? await Task.sleep(for: Self.handOffPause)
        let deadline = ContinuousClock.now + shutdownGrace
        while callsInFlight.count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: Self.callPollInterval)
        }
        await server.stop()
    }

    /// How long the requests read last get to reach their handlers after the input
    /// ends (each runs in a task of its own, started by the SDK's read loop).
    static let handOffPause = Duration.milliseconds(100)
    /// How often the end of the calls in flight is checked at shutdown.
    static let callPollInterval = Duration.milliseconds(50)

    /// Stops the Python workers (the direct tool's and the agent's).
    public func close() async {
        await toolbox.stop()
        await agent?.close()
    }

    /// A reporter that sends `notifications/progress` with `token`, or a silent one without it.
    static func reporter(token: ProgressToken?, server: Server?) -> ProgressReporter {
        guard let token, let server else { return .silent }
        return ProgressReporter { [weak server] progress, total, message in
            let parameters = ProgressNotification.Parameters(progressToken: token, progress: progress, total: total, message: message)
            try? await server?.notify(ProgressNotification.message(parameters))
        }
    }
}

/// How many calls are running.
final class CallCounter: Sendable {
    private let value = Mutex(0)

    func add(_ change: Int) {
        value.withLock { $0 += change }
    }

    var count: Int { value.withLock { $0 } }
}
