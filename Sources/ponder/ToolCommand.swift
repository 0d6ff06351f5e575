import AgentTools
import ArgumentParser

/// `ponder tool …`: runs one of the agent's tools directly and prints exactly what
/// the model would read.
struct ToolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tool",
        abstract: "Run one of the agent's tools and print what the model would see.",
        subcommands: [CalcCommand.self, FetchCommand.self, SearchCommand.self, PythonCommand.self])
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
