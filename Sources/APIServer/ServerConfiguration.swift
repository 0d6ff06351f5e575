import Agent
import AgentTools

/// How `ponder serve` listens, whom it lets in and how much it takes on.
public struct ServerConfiguration: Sendable {
    /// The address to bind: loopback unless the user opens it up.
    public var host: String
    /// 0 picks a free port (reported when the server is listening).
    public var port: Int
    /// When set, every request must carry `Authorization: Bearer <apiKey>`.
    public var apiKey: String?
    /// Requests that may wait for the model; one more is refused with 503.
    public var queueCapacity: Int
    /// Requests that use the model at once: plain generations are decoded together
    /// (one forward pass per token for all of them); more wait in the queue.
    public var parallel = 4
    /// Larger request bodies are refused with 413.
    public var maximumBodyBytes: Int
    /// The name of the loaded model (its file name) in `/v1/models`.
    public var modelName: String
    /// Limits and defaults of `ponder-agent` runs (a request's `max_tokens`,
    /// `temperature` and `seed` override them).
    public var agentOptions: PlannerOptions
    /// When `ponder-agent` searches before answering: phrases such as "take your
    /// time", special tasks (Game of 24); a request's `ponder_deliberate` gives a
    /// budget of its own. The default never searches unless asked by a request.
    public var agentDeliberation = DeliberationPolicy()
    /// `ponder-agent`'s tools: what the fetcher may reach, the Python sandbox's
    /// network, web search, and the folder under which each run gets its own.
    public var agentTools: ToolboxSettings
    /// Tools `ponder-agent` offers before its standard ones (an MCP server's, from
    /// `--mcp`); shared by every run, so they must allow calls from several at once.
    public var agentExtraTools: [any Tool] = []
    /// `Host` names answered besides those of the bound address (see `HostPolicy`);
    /// `*` answers any.
    public var allowedHosts: [String]
    /// Web origins (`scheme://host[:port]`) whose pages may call the API from a
    /// browser; every other foreign `Origin` is refused.
    public var corsOrigins: [String]
    /// Open connections at most; one more is answered 503 and closed at once.
    public var maximumConnections: Int
    /// A connection that sends nothing for this long while the server waits for, or
    /// reads, a request is closed.
    public var idleTimeout: Duration
    /// A request's headers must be complete this long after its first byte.
    public var headerTimeout: Duration
    /// A request's body must be complete this long after its headers.
    public var bodyTimeout: Duration

    /// A configuration; everything but the model's name and the agent's tools has a default.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil, queueCapacity: Int = 16,
        maximumBodyBytes: Int = 1 << 20, modelName: String, agentOptions: PlannerOptions = PlannerOptions(),
        agentTools: ToolboxSettings, allowedHosts: [String] = [], corsOrigins: [String] = [],
        maximumConnections: Int = ServerConfiguration.defaultMaximumConnections, idleTimeout: Duration = .seconds(30),
        headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.queueCapacity = queueCapacity
        self.maximumBodyBytes = maximumBodyBytes
        self.modelName = modelName
        self.agentOptions = agentOptions
        self.agentTools = agentTools
        self.allowedHosts = allowedHosts
        self.corsOrigins = corsOrigins
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
    }

    /// Whether `origin` can be one of `corsOrigins`: `http(s)://host[:port]`, nothing after.
    public static func isValidOrigin(_ origin: String) -> Bool {
        HostPolicy.isValidOrigin(origin)
    }

    /// Enough for a queue of streaming clients and their keep-alive connections, far
    /// below the process's file descriptors.
    public static let defaultMaximumConnections = 256
}

/// The names the server answers to: the model file's name (with or without
/// `.gguf`) and `ponder` run the engine; `ponder-agent` runs the planner with tools.
struct ModelNames: Sendable {
    enum Kind: Equatable { case engine, agent }

    static let alias = "ponder"
    static let agent = "ponder-agent"

    let fileName: String

    /// The names listed by `GET /v1/models`.
    var listed: [String] { [fileName, Self.alias, Self.agent] }

    func kind(of name: String) -> Kind? {
        if name == Self.agent { return .agent }
        let stem = fileName.hasSuffix(".gguf") ? String(fileName.dropLast(5)) : fileName
        return [fileName, stem, Self.alias].contains(name) ? .engine : nil
    }
}
