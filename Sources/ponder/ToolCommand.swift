import Agent
import AgentTools
import ArgumentParser
import Foundation
import MCPBridge

/// `ponder tool …`: runs one of the agent's tools directly and prints exactly what
/// the model would read.
struct ToolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tool",
        abstract: "Run one of the agent's tools and print what the model would see.",
        subcommands: [CalcCommand.self, FetchCommand.self, SearchCommand.self, PythonCommand.self, MCPToolCommand.self])
}

/// `ponder tool calc EXPR`: the calculator's answer, or its error, on standard output;
/// exit code 1 when the calculator reports an error.
struct CalcCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calc",
        abstract: "Evaluate an arithmetic expression exactly, as the calc tool does.",
        discussion: """
            Prints the tool's result text: the value, or "error: …" naming the column \
            (exit code 1). Examples: ponder tool calc '2^200', ponder tool calc '15% of 80'.
            """)

    // Unrecognized-option parsing lets an expression start with "-" ("-2^2").
    @Argument(parsing: .allUnrecognized,
              help: "The expression, e.g. '24 x 78' or '1/3 + 1/6' (quote it for the shell; several words are joined with spaces).")
    var expression: [String]

    func run() async throws {
        let result = try await Calculator().run(expression.joined(separator: " "), context: ToolContext())
        try printToolResult(result)
    }
}

/// `ponder tool fetch URL`: the page as the fetch tool gives it to the model, or its
/// error, on standard output; exit code 1 when the tool reports an error.
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch a web page and print it as text, as the fetch tool does.",
        discussion: """
            Prints "URL: …", "Title: …" and the page's readable text, or "error: …" \
            (exit code 1). Only http and https; private and loopback addresses are refused \
            unless --allow-private is given; link-local and cloud metadata addresses \
            always. Example: ponder tool fetch https://example.com
            """)

    @Argument(help: "The URL (https:// is assumed when no scheme is given).")
    var url: String

    @Flag(name: .customLong("allow-private"), help: "Allow loopback and private addresses (never link-local or cloud metadata ones).")
    var allowPrivate = false

    @Option(name: .customLong("max-chars"), help: "How many characters of text to print before truncating.")
    var maximumCharacters = FetchOptions().maximumCharacters

    @Option(name: .customLong("timeout"), help: "The total timeout in seconds.")
    var timeout: Double = 20

    func validate() throws {
        guard maximumCharacters > 0 else { throw ValidationError("--max-chars must be positive") }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
    }

    func run() async throws {
        let options = FetchOptions(
            totalTimeout: .milliseconds(Int(timeout * 1000)), maximumCharacters: maximumCharacters,
            allowPrivateAddresses: allowPrivate)
        let result = try await WebFetcher(options: options).run(url, context: ToolContext())
        try printToolResult(result)
    }
}

/// `ponder tool search QUERY`: the results as the web_search tool gives them to the
/// model, or its error, on standard output; exit code 1 when the tool reports an error.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the web through a SearXNG-compatible endpoint, as the web_search tool does.",
        discussion: """
            Prints the top results as "1. Title — URL" with a snippet line, or "error: …" \
            (exit code 1). The endpoint is --endpoint, else $PONDER_SEARCH_URL, e.g. \
            http://localhost:8888/search (SearXNG with the json format enabled); it is \
            allowed even on a private address. Example: ponder tool search swift concurrency
            """)

    @Argument(help: "The query (several words are joined with spaces).")
    var query: [String]

    @Option(name: .customLong("endpoint"), help: "The search endpoint (default: $PONDER_SEARCH_URL).")
    var endpoint: String?

    @Option(name: .customLong("results"), help: "How many results to print.")
    var results = 5

    @Option(name: .customLong("timeout"), help: "The total timeout in seconds.")
    var timeout: Double = 20

    func validate() throws {
        guard results > 0 else { throw ValidationError("--results must be positive") }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
    }

    func run() async throws {
        let search = WebSearch(
            endpoint: endpoint ?? WebSearch.configuredEndpoint(), maximumResults: results,
            options: FetchOptions(totalTimeout: .milliseconds(Int(timeout * 1000))))
        let result = try await search.run(query.joined(separator: " "), context: ToolContext())
        try printToolResult(result)
    }
}

/// Prints what the model would read; a tool-reported error makes the exit code 1.
func printToolResult(_ result: ToolResult) throws {
    print(result.text)
    if !result.ok { throw ExitCode.failure }
}

/// `ponder tool mcp --server "CMD" --list | NAME 'JSON'`: an MCP server's tools as
/// the agent sees them, or one call's result exactly as the model would read it.
struct MCPToolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "List an MCP server's tools, or call one and print what the model would read.",
        discussion: """
            The server is a command line started over stdio (--server, quoted as one \
            argument) or a streamable-HTTP address (--url). --list prints each tool's \
            name as the model writes it, its description, the layout of its arguments \
            and its JSON schema. NAME 'JSON' calls a tool with a JSON object of \
            arguments and prints its result (images are saved in --output-dir and \
            named), or "error: …" (exit code 1). Examples:
              ponder tool mcp --server "python3 units_server.py" --list
              ponder tool mcp --server "python3 units_server.py" convert_length '{"value": 3.5, "from_unit": "km", "to_unit": "m"}'
              ponder tool mcp --url http://127.0.0.1:8000/mcp --list
            """)

    @Option(name: .customLong("server"), help: ArgumentHelp("The server's command line (stdio).", valueName: "command"))
    var server: String?

    @Option(name: .customLong("url"), help: ArgumentHelp("The server's streamable-HTTP address.", valueName: "url"))
    var url: String?

    @Flag(help: "List the server's tools.")
    var list = false

    @Option(name: .customLong("timeout"), help: ArgumentHelp("Seconds the call may take.", valueName: "seconds"))
    var timeout: Double = 30

    @Option(name: .customLong("output-dir"), help: "Folder for images the tool returns.")
    var outputDirectory = "ponder-output"

    @Argument(help: "The tool to call (as --list names it).")
    var name: String?

    @Argument(help: "Its arguments, a JSON object (default: {}).")
    var arguments: String?

    func validate() throws {
        guard (server == nil) != (url == nil) else { throw ValidationError("give the server as --server \"COMMAND ARGS\" or --url URL (one of them)") }
        guard list != (name != nil) else { throw ValidationError("give --list, or the NAME of a tool to call (and its JSON arguments)") }
        guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout must be between 0 and 86400 seconds") }
        if let arguments {
            guard let data = arguments.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
                throw ValidationError("the arguments are not JSON: '\(arguments)' (write a JSON object, e.g. '{\"value\": 3.5}')")
            }
            guard object is [String: Any] else { throw ValidationError("the arguments must be a JSON object such as '{\"value\": 3.5}': got '\(arguments)'") }
        }
    }

    func run() async throws {
        try await reportingErrors {
            let endpoint = try server.map { try MCPServerEndpoint.command(line: $0) } ?? MCPServerEndpoint.url(url ?? "")
            let servers = try await MCPServerSet.connect([endpoint], settings: MCPClientSettings(callTimeout: .milliseconds(Int(timeout * 1000))))
            let signals = ExitOnSignals([SIGTERM, SIGHUP, SIGINT])
            defer { signals.cancel() }
            do {
                if list {
                    print(Self.listing(servers.tools))
                } else {
                    let result = try await call(in: servers)
                    await servers.close()
                    try printToolResult(result)
                }
            } catch {
                await servers.close()
                throw error
            }
            await servers.close()
        }
    }

    private func call(in servers: MCPServerSet) async throws -> ToolResult {
        guard let tool = servers.tools.first(where: { $0.name == name }) ?? servers.tools.first(where: { $0.serverToolName == name }) else {
            throw MCPClientError.unknownTool(name ?? "", known: servers.tools.map(\.name))
        }
        let folder = URL(fileURLWithPath: outputDirectory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardized.path
        return try await tool.run(arguments ?? "{}", context: ToolContext(outputDirectory: folder))
    }

    /// Each tool: its name, description, the layout of its arguments and its schema.
    static func listing(_ tools: [MCPServerTool]) -> String {
        guard !tools.isEmpty else { return "(the server offers no tools)" }
        return tools.map { tool in
            var lines = [tool.name + (tool.name == tool.serverToolName ? "" : " (the server's '\(tool.serverToolName)')") + ": " + tool.description]
            if let schema = tool.inputSchema {
                if let layout = ArgumentSchema(json: schema)?.layout { lines.append("  arguments: " + layout) }
                lines.append("  schema: " + schema)
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
