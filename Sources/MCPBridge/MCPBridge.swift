import MCP

/// The protocol version and implementation name Ponder announces to MCP peers.
public enum MCPBridgeInfo {
    /// The name Ponder gives itself in MCP `initialize` exchanges.
    public static let implementationName = "ponder"
}
