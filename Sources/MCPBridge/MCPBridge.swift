import MCP

/// How Ponder names itself to MCP peers, as server (`ponder mcp`) and as client.
public enum MCPBridgeInfo {
    /// The name Ponder gives itself in MCP `initialize` exchanges.
    public static let implementationName = "ponder"
    /// The version it announces, which `ponder --version` prints too.
    public static let version = "0.1.0"
}
