import Agent

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
    /// Larger request bodies are refused with 413.
    public var maximumBodyBytes: Int
    /// The name of the loaded model (its file name) in `/v1/models`.
    public var modelName: String
    /// Limits and defaults of `ponder-agent` runs (a request's `max_tokens`,
    /// `temperature` and `seed` override them).
    public var agentOptions: PlannerOptions
    /// Let `ponder-agent`'s fetch tool reach loopback and private addresses.
    public var allowPrivateAddresses: Bool
    /// Where `ponder-agent` runs keep their files (one folder per request).
    public var outputDirectory: String

    public init(
        host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil, queueCapacity: Int = 16,
        maximumBodyBytes: Int = 1 << 20, modelName: String, agentOptions: PlannerOptions = PlannerOptions(),
        allowPrivateAddresses: Bool = false, outputDirectory: String
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.queueCapacity = queueCapacity
        self.maximumBodyBytes = maximumBodyBytes
        self.modelName = modelName
        self.agentOptions = agentOptions
        self.allowPrivateAddresses = allowPrivateAddresses
        self.outputDirectory = outputDirectory
    }
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
