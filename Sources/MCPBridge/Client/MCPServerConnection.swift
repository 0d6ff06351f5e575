import AgentTools
import Foundation
import MCP
import Synchronization

/// Where an MCP server is: a command Ponder starts and talks to over stdio, or an
/// address it posts to (streamable HTTP).
public enum MCPServerEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// A program started with these words (`--mcp "COMMAND ARGS"`).
    case command(ServerCommandLine)
    /// An http or https address (`--mcp-url URL`).
    case url(URL)

    /// The server of `--mcp "COMMAND ARGS"`.
    public static func command(line: String) throws(MCPClientError) -> MCPServerEndpoint {
        .command(try ServerCommandLine(line))
    }

    /// The server of `--mcp-url URL`.
    public static func url(_ text: String) throws(MCPClientError) -> MCPServerEndpoint {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw .invalidURL(text)
        }
        return .url(url)
    }

    /// The server's name in messages: its command line or its address.
    public var description: String {
        switch self {
        case .command(let line): line.words.joined(separator: " ")
        case .url(let url): url.absoluteString
        }
    }
}

/// Limits of Ponder's calls to MCP servers.
public struct MCPClientSettings: Sendable, Equatable {
    /// How long one tool call may take before the model reads a timeout error.
    public var callTimeout: Duration
    /// How long a server may take to start and answer `initialize` and `tools/list`.
    public var handshakeTimeout: Duration
    /// A result's text is cut to this many characters (with a note that it was).
    public var maximumResultCharacters: Int

    /// Settings with a 30-second call timeout, a 30-second handshake and 20,000 characters of result.
    public init(callTimeout: Duration = .seconds(30), handshakeTimeout: Duration = .seconds(30), maximumResultCharacters: Int = 20_000) {
        self.callTimeout = callTimeout
        self.handshakeTimeout = handshakeTimeout
        self.maximumResultCharacters = maximumResultCharacters
    }
}

/// `tools/call` with the result left as JSON, so that content the SDK's types would
/// refuse (an unknown item, a missing field) is reported item by item instead of
/// failing the whole call.
enum RawToolCall: MCP.Method {
    static let name = CallTool.name
    typealias Parameters = CallTool.Parameters
    typealias Result = Value
}

/// A connection to one MCP server: started (for a command), initialised, its tools
/// listed; then calls, each with a timeout; then `close()`, which ends the server.
///
/// A server that fails to start, dies or hangs is an `MCPClientError` naming it, with
/// the last lines it wrote to standard error.
public final class MCPServerConnection: Sendable {
    /// Where the server is.
    public let endpoint: MCPServerEndpoint
    /// The tools the server listed when the connection opened.
    public let tools: [MCP.Tool]
    /// The limits of calls.
    public let settings: MCPClientSettings
    private let client: Client
    private let process: ServerProcess?
    private let closed = Atomic<Bool>(false)

    private init(endpoint: MCPServerEndpoint, tools: [MCP.Tool], settings: MCPClientSettings, client: Client, process: ServerProcess?) {
        self.endpoint = endpoint
        self.tools = tools
        self.settings = settings
        self.client = client
        self.process = process
    }

    /// The server's name in messages (its program, or its address).
    public var serverName: String {
        switch endpoint {
        case .command(let line): line.program
        case .url(let url): url.absoluteString
        }
    }

    /// Starts (for a command) and initialises the server at `endpoint` and lists its
    /// tools, within `settings.handshakeTimeout`.
    public static func connect(_ endpoint: MCPServerEndpoint, settings: MCPClientSettings = MCPClientSettings()) async throws -> MCPServerConnection {
        let client = Client(name: MCPBridgeInfo.implementationName, version: MCPBridgeInfo.version)
        let process: ServerProcess?
        let transport: any Transport
        switch endpoint {
        case .command(let line):
            let started = try ServerProcess(line)
            process = started
            transport = ProcessTransport(process: started) {
                Task { await client.disconnect() }
            }
        case .url(let url):
            process = nil
            transport = HTTPPostTransport(endpoint: url, requestTimeout: Self.seconds(max(settings.callTimeout, settings.handshakeTimeout)) + 5)
        }
        let name = process?.commandLine.program ?? endpoint.description
        let deadline = Deadline.after(settings.handshakeTimeout)
        do {
            let listed = try await deadline.race {
                try await withTaskCancellationHandler {
                    try await client.connect(transport: transport)
                    return try await Self.listAllTools(client)
                } onCancel: {
                    Task { await client.disconnect() }
                }
            }
            guard let listed else { throw MCPClientError.handshakeTimedOut(server: name, seconds: Self.seconds(settings.handshakeTimeout)) }
            return MCPServerConnection(endpoint: endpoint, tools: listed, settings: settings, client: client, process: process)
        } catch {
            let failure: MCPClientError
            if let process, await Self.hasEnded(process) {
                failure = .startFailed(server: endpoint.description, detail: process.endDescription())
            } else if let known = error as? MCPClientError {
                failure = known
            } else if Task.isCancelled {
                await client.disconnect()
                await process?.stop()
                throw CancellationError()
            } else {
                failure = .protocolFailure(server: name, detail: Self.describe(error))
            }
            await client.disconnect()
            await process?.stop()
            throw failure
        }
    }

    /// Every page of `tools/list`.
    private static func listAllTools(_ client: Client) async throws -> [MCP.Tool] {
        var tools: [MCP.Tool] = []
        var cursor: String?
        repeat {
            let page = try await client.listTools(cursor: cursor)
            tools += page.tools
            cursor = page.nextCursor
        } while cursor != nil && tools.count < 10_000
        return tools
    }

    /// Calls the server's tool `name` with `arguments` and returns its result as JSON
    /// (the `CallToolResult` object). Gives up after `settings.callTimeout` or when
    /// `deadline` passes, whichever is first; throws `MCPClientError`, or
    /// `CancellationError` when the deadline was stopped or the task cancelled.
    public func call(_ name: String, arguments: [String: Value], deadline: Deadline = .unlimited()) async throws -> Value {
        if let process, !process.isRunning || closed.load(ordering: .relaxed) {
            throw MCPClientError.serverExited(server: endpoint.description, detail: process.endDescription())
        }
        let limit = deadline.limited(to: settings.callTimeout)
        let client = self.client
        do {
            let context = try await client.send(RawToolCall.request(.init(name: name, arguments: arguments)))
            let result = try await limit.race {
                try await withTaskCancellationHandler {
                    try await context.value
                } onCancel: {
                    Task { try? await client.cancelRequest(context.requestID, reason: "the caller stopped waiting") }
                }
            }
            if let result { return result }
        } catch {
            if let process, await Self.hasEnded(process) {
                throw MCPClientError.serverExited(server: endpoint.description, detail: process.endDescription())
            }
            if error is CancellationError || Task.isCancelled {
                if !deadline.isPast || Task.isCancelled { throw CancellationError() }
            } else if let known = error as? MCPClientError {
                throw known
            } else {
                throw MCPClientError.protocolFailure(server: serverName, detail: Self.describe(error))
            }
        }
        if deadline.isStopped || Task.isCancelled { throw CancellationError() }
        throw MCPClientError.callTimedOut(server: serverName, tool: name, seconds: Self.seconds(settings.callTimeout))
    }

    /// Ends the connection, and the server's process (input closed, then SIGTERM,
    /// then SIGKILL). Safe to call more than once.
    public func close() async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        await client.disconnect()
        await process?.stop()
    }

    /// Whether `process` has ended, waiting a moment for its exit to be seen (its
    /// output closes just before).
    private static func hasEnded(_ process: ServerProcess) async -> Bool {
        for _ in 0..<50 {
            if !process.isRunning { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return !process.isRunning
    }

    /// An SDK error as one line.
    static func describe(_ error: any Error) -> String {
        if let mcp = error as? MCPError { return mcp.errorDescription ?? "\(mcp)" }
        return "\(error)"
    }

    /// `duration` in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
