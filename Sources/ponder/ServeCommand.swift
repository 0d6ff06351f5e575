import APIServer
import Agent
import ArgumentParser
import DeliberationTasks
import Foundation

/// `ponder serve`: the model and the agent behind an OpenAI-compatible HTTP API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the model and the agent over an OpenAI-compatible HTTP API.",
        discussion: """
            Endpoints: GET /v1/models, POST /v1/chat/completions, POST /v1/completions \
            (streaming with "stream": true); GET / is a web page to chat with the agent \
            (tool steps, figures, the tree of thoughts; README "The web page"). Model names: the model file's name or \
            "ponder" run the model itself (with "tools", its reply's calls come back as \
            tool_calls); "ponder-agent" runs Ponder's planner with its own tools (fetch, \
            python, calc) on this machine and answers with the result. Up to --parallel \
            requests use the model at once (plain generations are decoded together, one \
            forward pass per token for all of them, each streaming on its own); --queue \
            more may wait in order of arrival, the next gets 503. \
            Binds to 127.0.0.1 unless --host says otherwise; --api-key requires \
            "Authorization: Bearer KEY".

            Web pages cannot drive the server: a request must name in its Host header \
            a name the server is bound to (for 127.0.0.1: also localhost and [::1]; for \
            0.0.0.0 or :: — every interface — also this machine's host name and its \
            interfaces' addresses; any other name, e.g. a DNS name of this machine or a \
            proxy's, only with --allowed-host NAME, or --allowed-host '*' for any), \
            else 403. A request from a browser page of another origin is refused (403) \
            unless --cors ORIGIN names it; POST bodies must be sent as \
            application/json (else 415). At most --max-connections are open (another \
            gets 503 and is closed); a connection idle for --idle-timeout seconds, or \
            slower than --header-timeout to send a request's headers or \
            --body-timeout to send its body, is closed. Examples:
              ponder serve --port 8080
              ponder serve --host 0.0.0.0 --api-key KEY --queue 32
              ponder serve --cors http://localhost:5173
              ponder serve --host 0.0.0.0 --api-key KEY --allowed-host ponder.lan
              ponder ask --backend openai --base-url http://127.0.0.1:8080/v1 "Hi"
            """)

    @Option(help: "The address to listen on (0.0.0.0: every interface; then also set --api-key).")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port; the address is printed).")
    var port = 8080

    @Option(name: .customLong("api-key"), help: ArgumentHelp(
        "Require 'Authorization: Bearer KEY' on every request (default: $PONDER_SERVE_API_KEY, else none).", valueName: "key"))
    var apiKey: String?

    @Option(help: "How many requests may wait for the model; one more is refused with 503.")
    var queue = 16

    @Option(help: ArgumentHelp(
        "Requests that use the model at once (slots decoded together; each keeps its own KV cache).", valueName: "n"))
    var parallel = 4

    @Option(name: .customLong("max-body"), help: ArgumentHelp("Largest request body accepted, in KiB (larger: 413).", valueName: "KiB"))
    var maxBody = 1024

    @OptionGroup(title: "ponder-agent (the same limits as ask and chat)") var agentLimits: AgentLimitOptions<ServeOptionNames>

    @Option(name: .customLong("allowed-host"), help: ArgumentHelp(
        "Also answer requests whose Host header names NAME (repeatable; '*': any Host, e.g. behind a trusted proxy).", valueName: "name"))
    var allowedHosts: [String] = []

    @Option(name: .customLong("cors"), help: ArgumentHelp(
        "Let web pages of ORIGIN (e.g. http://localhost:5173) call the API from a browser (repeatable).", valueName: "origin"))
    var corsOrigins: [String] = []

    @Option(name: .customLong("max-connections"), help: "Open connections at most; another is answered 503 and closed.")
    var maxConnections = ServerConfiguration.defaultMaximumConnections

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp(
        "Close a connection that sends nothing for this long while no request is being answered.", valueName: "seconds"))
    var idleTimeout: Double = 30

    @Option(name: .customLong("header-timeout"), help: ArgumentHelp(
        "Close a connection whose request headers are not complete this long after their first byte.", valueName: "seconds"))
    var headerTimeout: Double = 10

    @Option(name: .customLong("body-timeout"), help: ArgumentHelp(
        "Close a connection whose request body is not complete this long after its headers.", valueName: "seconds"))
    var bodyTimeout: Double = 30

    @OptionGroup var engine: EngineOptions

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup(title: "MCP servers (their tools join ponder-agent's)") var mcp: MCPClientOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard queue >= 0 else { throw ValidationError("--queue must be 0 or more") }
        guard (1...64).contains(parallel) else { throw ValidationError("--parallel must be between 1 and 64") }
        guard maxBody > 0 else { throw ValidationError("--max-body must be positive") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive") }
        for (value, option) in [(idleTimeout, "--idle-timeout"), (headerTimeout, "--header-timeout"), (bodyTimeout, "--body-timeout")] {
            guard value >= 0.1, value <= 86_400 else { throw ValidationError("\(option) must be between 0.1 and 86400 seconds") }
        }
        for name in allowedHosts {
            guard !name.isEmpty, name == "*" || !name.contains(where: { $0 == "/" || $0 == " " || $0.isNewline }) else {
                throw ValidationError("--allowed-host takes a host name or address (no scheme, path or spaces), or '*': got '\(name)'")
            }
        }
        for origin in corsOrigins {
            guard ServerConfiguration.isValidOrigin(origin) else {
                throw ValidationError("--cors takes an origin such as http://localhost:5173 (scheme, host, optional port): got '\(origin)'")
            }
        }
    }

    func run() async throws {
        try await reportingErrors {
            let model = try AgentOptions.loadLocalModel(engine: engine, modelOptions: modelOptions)
            let key = apiKey ?? ProcessInfo.processInfo.environment["PONDER_SERVE_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            if key == nil, !["127.0.0.1", "::1", "localhost"].contains(host) {
                printError("warning: listening on \(host) without --api-key: anyone who can reach this port can use the model and its tools")
            }
            var configuration = ServerConfiguration(
                host: host, port: port, apiKey: key, queueCapacity: queue, maximumBodyBytes: maxBody * 1024, modelName: model.name,
                agentOptions: agentLimits.plannerOptions(), agentTools: agentLimits.toolboxSettings, allowedHosts: allowedHosts,
                corsOrigins: corsOrigins,
                maximumConnections: maxConnections, idleTimeout: Self.duration(idleTimeout), headerTimeout: Self.duration(headerTimeout),
                bodyTimeout: Self.duration(bodyTimeout))
            if allowedHosts.contains("*") {
                printError("warning: --allowed-host '*' answers any Host header: web pages can reach this server by DNS rebinding unless a proxy in front checks Host")
            }
            let prompts = try PromptLibrary.locate()
            configuration.parallel = parallel
            configuration.agentDeliberation = try Self.deliberationPolicy(prompts: prompts, vocabulary: model.vocabulary)
            let servers = try await mcp.connect()
            configuration.agentExtraTools = servers.tools
            configuration.agentOptions = mcp.widening(configuration.agentOptions)
            let server = OpenAIServer(model: model.model, planningModel: model, prompts: prompts, configuration: configuration)
            let modelName = model.name
            do {
                try await server.run { boundHost, boundPort in
                    let shown = boundHost.contains(":") ? "[\(boundHost)]" : boundHost
                    FileHandleOutput.writeToStandardError(
                        "ponder serve: listening on http://\(shown):\(boundPort)/v1 (models: \(modelName), ponder, ponder-agent; web page: http://\(shown):\(boundPort)/)\n")
                }
            } catch {
                await servers.close()
                throw error
            }
            await servers.close()
        }
    }

    /// ponder-agent searches when a question asks for time ("take your time") or a
    /// request gives `ponder_deliberate`, with the Game of 24 as a special task.
    static func deliberationPolicy(prompts: PromptLibrary, vocabulary: TokenVocabulary?) throws -> DeliberationPolicy {
        let game24: DeliberateMode.TaskRecogniser = { question in
            Game24Task.recognising(question, prompts: prompts, vocabulary: vocabulary)
        }
        return DeliberationPolicy(trigger: try DeliberationTrigger(prompts: prompts), recognisers: [game24])
    }

    static func duration(_ seconds: Double) -> Duration {
        .milliseconds(Int((seconds * 1000).rounded()))
    }
}
