/// Limits and sampling for one planner run.
public struct PlannerOptions: Sendable {
    /// At most this many tool calls.
    public var maximumSteps: Int
    /// At most this many generated tokens in all.
    public var maximumTokens: Int
    /// Wall-clock limit for the whole run.
    public var timeLimit: Duration
    /// How long one tool call may take (also bounded by the time left).
    public var toolTimeout: Duration
    /// A tool's output is cut to this many characters before the model reads it.
    public var maximumResultCharacters: Int
    /// 0 is greedy.
    public var temperature: Double
    /// The sampler's seed (it matters when `temperature` is above 0).
    public var seed: UInt64
    /// The tool-call format; nil uses the model's own (Hermes when its template
    /// declares tools), else inline markers.
    public var format: ToolCallFormat?
    /// Where tools write files (figures); nil lets each tool choose.
    public var outputDirectory: String?
    /// Whether calls are held to the question (`CallGrounding`): the first tool chosen
    /// by what the question asks, numbers and addresses copied, pages read by their
    /// best passages, failed code tried again. Off only to measure what it adds.
    public var grounded: Bool

    /// Options for a run; the defaults are greedy sampling, six tool calls and five minutes.
    public init(
        maximumSteps: Int = 6, maximumTokens: Int = 1024, timeLimit: Duration = .seconds(300), toolTimeout: Duration = .seconds(30),
        maximumResultCharacters: Int = 2000, temperature: Double = 0, seed: UInt64 = 0, format: ToolCallFormat? = nil,
        outputDirectory: String? = nil, grounded: Bool = true
    ) {
        self.maximumSteps = maximumSteps
        self.maximumTokens = maximumTokens
        self.timeLimit = timeLimit
        self.toolTimeout = toolTimeout
        self.maximumResultCharacters = maximumResultCharacters
        self.temperature = temperature
        self.seed = seed
        self.format = format
        self.outputDirectory = outputDirectory
        self.grounded = grounded
    }
}
