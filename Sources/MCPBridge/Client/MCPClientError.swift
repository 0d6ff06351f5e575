/// What can go wrong between Ponder and an MCP server whose tools it uses. Each
/// message says which server, what happened and what to do; a tool call's error
/// reaches the model as its result ("error: …"), a connection's reaches the user.
public enum MCPClientError: Error, Equatable, CustomStringConvertible {
    /// The `--mcp` command line is empty or its quotes do not close.
    case invalidCommandLine(String, reason: String)
    /// The server's program is not a file that can run (nor found on `PATH`).
    case commandNotFound(String)
    /// The server's URL is not an http or https address.
    case invalidURL(String)
    /// The program started but could not be spawned, or ended before the handshake;
    /// `detail` holds the reason and the last lines it wrote to standard error.
    case startFailed(server: String, detail: String)
    /// The server did not finish the `initialize` exchange or `tools/list` in time.
    case handshakeTimedOut(server: String, seconds: Double)
    /// The server answered the handshake or the tool list with an error.
    case protocolFailure(server: String, detail: String)
    /// The server's process ended (or its connection closed); `detail` holds its exit
    /// status and the last lines it wrote to standard error.
    case serverExited(server: String, detail: String)
    /// A call took longer than the per-call timeout.
    case callTimedOut(server: String, tool: String, seconds: Double)
    /// A call's arguments are not a JSON object.
    case invalidArguments(tool: String, reason: String)
    /// No tool of that name on the server.
    case unknownTool(String, known: [String])

    /// The message shown to the user (and, for a call, to the model after "error: ").
    public var description: String {
        switch self {
        case .invalidCommandLine(let line, let reason):
            return "the MCP server command line '\(line)' cannot be read: \(reason)"
        case .commandNotFound(let command):
            return "the MCP server command '\(command)' was not found (give a path, or a program on PATH)"
        case .invalidURL(let url):
            return "'\(url)' is not an MCP server address (use http:// or https://, e.g. http://127.0.0.1:8000/mcp)"
        case .startFailed(let server, let detail):
            return "the MCP server '\(server)' did not start: \(detail)"
        case .handshakeTimedOut(let server, let seconds):
            return "the MCP server '\(server)' did not answer its handshake within \(Self.format(seconds)) s (is it an MCP server speaking over stdio?)"
        case .protocolFailure(let server, let detail):
            return "the MCP server '\(server)' answered with an error: \(detail)"
        case .serverExited(let server, let detail):
            return "the MCP server '\(server)' stopped: \(detail)"
        case .callTimedOut(let server, let tool, let seconds):
            return "the tool '\(tool)' of the MCP server '\(server)' did not answer within \(Self.format(seconds)) s (--mcp-timeout sets the limit; --timeout for ponder tool mcp)"
        case .invalidArguments(let tool, let reason):
            return "the arguments of '\(tool)' must be a JSON object: \(reason)"
        case .unknownTool(let name, let known):
            return "there is no tool '\(name)'; the server's tools are: \(known.isEmpty ? "(none)" : known.joined(separator: ", "))"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
