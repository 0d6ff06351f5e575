import AgentTools
import MCP

/// The MCP servers a run uses (`--mcp`, `--mcp-url`) and their tools, named for the
/// model: each tool's name made a marker name (letters, digits, `_` and `-`), with
/// `mcp_` before it when a built-in tool (or a marker of the formats) has that name
/// and a number after it when another server's tool has it too.
public final class MCPServerSet: Sendable {
    /// One connection per server, in the order given.
    public let connections: [MCPServerConnection]
    /// Every server's tools, for the agent's toolbox.
    public let tools: [MCPServerTool]

    /// Names no server's tool may take: the built-in tools' and the markers' of the
    /// call formats.
    public static let reservedNames: Set<String> = ["calc", "fetch", "python", "web_search", "result", "tool_call", "tool_response", "tools"]

    /// No servers.
    public init() {
        connections = []
        tools = []
    }

    private init(connections: [MCPServerConnection], reserved: Set<String>) {
        self.connections = connections
        var taken = reserved
        var tools: [MCPServerTool] = []
        for connection in connections {
            for tool in connection.tools {
                let name = Self.markerName(for: tool.name, taken: taken)
                taken.insert(name)
                tools.append(MCPServerTool(tool, connection: connection, name: name))
            }
        }
        self.tools = tools
    }

    /// Connects to every server of `endpoints`, one after another; when one fails,
    /// those already started are closed and its error is thrown. `reserved` adds
    /// names the tools may not take (the toolbox's own).
    public static func connect(
        _ endpoints: [MCPServerEndpoint], settings: MCPClientSettings = MCPClientSettings(), reserved: Set<String> = []
    ) async throws -> MCPServerSet {
        var connections: [MCPServerConnection] = []
        do {
            for endpoint in endpoints {
                connections.append(try await MCPServerConnection.connect(endpoint, settings: settings))
            }
        } catch {
            for connection in connections { await connection.close() }
            throw error
        }
        return MCPServerSet(connections: connections, reserved: reservedNames.union(reserved))
    }

    /// Closes every connection and ends the servers' processes.
    public func close() async {
        for connection in connections { await connection.close() }
    }

    /// `name` as a marker name not in `taken`.
    static func markerName(for name: String, taken: Set<String>) -> String {
        var base = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" })
        if base.isEmpty { base = "tool" }
        if taken.contains(base) || base.first?.isNumber == true { base = "mcp_" + base }
        var candidate = base
        var counter = 2
        while taken.contains(candidate) {
            candidate = base + "_\(counter)"
            counter += 1
        }
        return candidate
    }
}
