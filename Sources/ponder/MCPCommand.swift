import APIServer
import Agent
import AgentTools
import ArgumentParser
import Foundation
import MCPBridge

/// `ponder mcp`: Ponder's tools and its agent as a Model Context Protocol server, over
/// standard input and output (for an MCP client that starts it) or streamable HTTP.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve Ponder's tools and agent to MCP clients (stdio, or HTTP with --http).",
        discussion: """
            Tools: calculator (exact arithmetic), fetch (a web page as text; private \
            addresses refused unless --allow-private), python (sandboxed; figures come \
            back as PNG images with their paths), web_search (with --search-url, or \
            $PONDER_SEARCH_URL) and ask (the whole agent: the answer and the tool calls it made; \
            deliberate_seconds to think first, with progress notifications; --mcp and \
            --mcp-url add other MCP servers' tools to its agent). The model loads at \
            the first ask, so the other tools answer at once.

            Without --http it speaks MCP on standard input and output (nothing else is \
            written there; messages go to standard error) and stops when its input \
            closes. MCP clients pass a server only a few environment variables, so give \
            every setting as a flag. A client's configuration (Claude Desktop, Cursor, \
            and others use this layout):
              {"mcpServers": {"ponder": {"command": "ponder",
                "args": ["mcp", "--model", "/path/to/model.gguf", "--output-dir", "/path/to/figures"]}}}

            With --http PORT it serves streamable HTTP at http://HOST:PORT/mcp, bound to \
            127.0.0.1 unless --host says otherwise, with the Host and Origin rules of \
            ponder serve (a foreign Host or Origin is refused with 403). Examples:
              ponder mcp --model models/SmolLM2-135M-Instruct.Q4_1.gguf
              ponder mcp --http 8765
              ponder mcp --http 8765 --host 0.0.0.0 --allowed-host ponder.lan
            """)

    @Option(help: ArgumentHelp("Serve streamable HTTP on this port (0: any free port; the address is printed) instead of stdio.", valueName: "port"))
    var http: Int?

    @Option(help: "With --http: the address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .customLong("allowed-host"), help: ArgumentHelp(
        "With --http: also answer requests whose Host header names NAME (repeatable; '*': any).", valueName: "name"))
    var allowedHosts: [String] = []

    @Option(name: .customLong("cors"), help: ArgumentHelp(
        "With --http: let web pages of ORIGIN (e.g. http://localhost:5173) call the server (repeatable).", valueName: "origin"))
    var corsOrigins: [String] = []

    @Option(name: .customLong("search-url"), help: ArgumentHelp(
        "Offer web_search (also to ask's agent) through this SearXNG-compatible JSON endpoint (default: $PONDER_SEARCH_URL).",
        valueName: "url"))
    var searchURL: String?

    @OptionGroup var agent: AgentOptions

    func validate() throws {
        if let http, !(0...65535).contains(http) { throw ValidationError("--http must be a port between 0 and 65535") }
        for name in allowedHosts where name.isEmpty || (name != "*" && name.contains(where: { $0 == "/" || $0 == " " || $0.isNewline })) {
            throw ValidationError("--allowed-host takes a host name or address (no scheme, path or spaces), or '*': got '\(name)'")
        }
        for origin in corsOrigins where !ServerConfiguration.isValidOrigin(origin) {
            throw ValidationError("--cors takes an origin such as http://localhost:5173 (scheme, host, optional port): got '\(origin)'")
        }
    }

    func run() async throws {
        try await reportingErrors {
            // The tools' settings read the endpoint from the environment, which an MCP
            // client does not pass on: the flag sets it for them (and for ask's agent).
            if let searchURL { setenv(WebSearch.environmentVariable, searchURL, 1) }
            // Fail now, not at the first ask, when the model file is missing.
            if agent.backend.resolvedBackend == .local { _ = try agent.modelOptions.resolvePath() }
            let options = agent
            let host = AgentHost { try await Self.loadAgent(options) }
            let settings = agent.limits.toolboxSettings
            let served = PonderMCPServer(toolbox: .standard(settings), outputDirectory: settings.outputDirectory, agent: host)
            let names = served.names.joined(separator: ", ")
            if let port = http {
                try await serveHTTP(served, port: port, names: names)
            } else {
                FileHandleOutput.writeToStandardError("ponder mcp: serving \(names) over stdio\n")
                try await served.serveStandardIO()
            }
            await served.close()
        }
    }

    /// `ask`'s agent: the model (loaded off the pool), and the tools of the MCP servers
    /// that --mcp and --mcp-url name, which stop when the agent closes.
    private static func loadAgent(_ options: AgentOptions) async throws -> AgentHost.LoadedAgent {
        let model = try await AgentHost.offThePool { try options.loadModel() }
        let servers = try await options.mcp.connect()
        do {
            let assistant = try await AgentHost.offThePool { try options.assistant(model: model, extraTools: servers.tools) }
            return AgentHost.LoadedAgent(assistant: assistant, close: { await servers.close() })
        } catch {
            await servers.close()
            throw error
        }
    }

    private func serveHTTP(_ served: PonderMCPServer, port: Int, names: String) async throws {
        if !["127.0.0.1", "::1", "localhost"].contains(host) {
            printError("warning: listening on \(host): anyone who can reach this port can run the tools (Python included)")
        }
        if allowedHosts.contains("*") {
            printError("warning: --allowed-host '*' answers any Host header: web pages can reach this server by DNS rebinding unless a proxy in front checks Host")
        }
        let configuration = MCPHTTPServer.Configuration(host: host, port: port, allowedHosts: allowedHosts, corsOrigins: corsOrigins)
        try await MCPHTTPServer(served: served, configuration: configuration).run { boundHost, boundPort in
            let shown = boundHost.contains(":") ? "[\(boundHost)]" : boundHost
            FileHandleOutput.writeToStandardError("ponder mcp: listening on http://\(shown):\(boundPort)\(MCPHTTPServer.path) (tools: \(names))\n")
        }
    }
}

