/// One tool call of a run: what the model asked, what it got back, how long it took.
public struct AgentStep: Codable, Sendable, Equatable {
    /// The tool's name, e.g. "calc".
    public var tool: String
    /// What the model wrote for the tool.
    public var input: String
    /// What the model read back.
    public var output: String
    /// False when the tool reported an error (or the call could not be run).
    public var ok: Bool
    /// Milliseconds the tool took.
    public var ms: Int
    /// Files the tool wrote (e.g. figures).
    public var files: [String]

    public init(tool: String, input: String, output: String, ok: Bool, ms: Int, files: [String] = []) {
        self.tool = tool
        self.input = input
        self.output = output
        self.ok = ok
        self.ms = ms
        self.files = files
    }

    /// One line for a terminal: `calc(24*78) → 1872`.
    public var summary: String {
        let shortInput = input.count > 60 ? input.prefix(57) + "…" : Substring(input)
        let firstLine = output.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let shortOutput = firstLine.count > 80 ? firstLine.prefix(77) + "…" : Substring(firstLine)
        let oneLineInput = shortInput.replacingOccurrences(of: "\n", with: "⏎")
        return "\(tool)(\(oneLineInput)) → \(shortOutput)"
    }
}

/// The outcome of a question: the answer and how it was reached.
public struct AgentAnswer: Codable, Sendable, Equatable {
    /// The answer as the person should read it.
    public var answer: String
    /// "fast" or "deliberate".
    public var mode: String
    /// The tool calls, in order.
    public var steps: [AgentStep]
    /// Every file the tools wrote (figures).
    public var files: [String]
    /// Tokens read and written.
    public var tokens: TokenUsage
    /// Wall-clock seconds from question to answer.
    public var seconds: Double
    /// Nil when the model finished; otherwise what stopped it ("the step limit (6)", …)
    /// and the answer is the best so far.
    public var stoppedBy: String?
    /// The messages this question added to the conversation: the question, then the
    /// model's turns with their markers and the results it read (for a chat's history).
    public var conversation: [Message]

    public init(
        answer: String, mode: String = "fast", steps: [AgentStep] = [], files: [String] = [], tokens: TokenUsage = TokenUsage(),
        seconds: Double = 0, stoppedBy: String? = nil, conversation: [Message] = []
    ) {
        self.answer = answer
        self.mode = mode
        self.steps = steps
        self.files = files
        self.tokens = tokens
        self.seconds = seconds
        self.stoppedBy = stoppedBy
        self.conversation = conversation
    }

    enum CodingKeys: String, CodingKey {
        case answer, mode, steps, files, tokens, seconds
        case stoppedBy = "stopped_by"
        case conversation
    }
}

/// What the planner reports while it works, for a live display.
public enum PlannerEvent: Sendable, Equatable {
    /// Answer text, as the model writes it (markers removed).
    case text(String)
    /// The model opened a call to `tool` and is writing its input.
    case toolStarted(String)
    /// A tool call finished.
    case toolFinished(AgentStep)
}
