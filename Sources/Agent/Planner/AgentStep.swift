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

    /// A finished call.
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
    /// Fast, or deliberate (after a search).
    public var mode: AnswerMode
    /// The tool calls, in order.
    public var steps: [AgentStep]
    /// Every file the tools wrote (figures).
    public var files: [String]
    /// Tokens read and written.
    public var tokens: TokenUsage
    /// Wall-clock seconds from question to answer.
    public var seconds: Double
    /// Nil when the model finished; otherwise what stopped it (its description, e.g.
    /// "the step limit (6)", is what reports show) and the answer is the best so far.
    public var stoppedBy: StopReason?
    /// The messages this question added to the conversation: the question, then the
    /// model's turns with their markers and the results it read (for a chat's history).
    public var conversation: [Message]
    /// In deliberate mode: the search tree and the chosen path.
    public var deliberation: DeliberationReport?

    /// An answer; the defaults are those of a fast answer without tools.
    public init(
        answer: String, mode: AnswerMode = .fast, steps: [AgentStep] = [], files: [String] = [], tokens: TokenUsage = TokenUsage(),
        seconds: Double = 0, stoppedBy: StopReason? = nil, conversation: [Message] = [], deliberation: DeliberationReport? = nil
    ) {
        self.answer = answer
        self.mode = mode
        self.steps = steps
        self.files = files
        self.tokens = tokens
        self.seconds = seconds
        self.stoppedBy = stoppedBy
        self.conversation = conversation
        self.deliberation = deliberation
    }

    enum CodingKeys: String, CodingKey {
        case answer, mode, steps, files, tokens, seconds
        case stoppedBy = "stopped_by"
        case conversation, deliberation
    }
}

/// One line of an answer, written by `Planner.writeLine`.
public struct AnswerLine: Sendable, Equatable {
    /// The line as the model's context holds it: markers and tool results included.
    public var text: String
    /// What a person reads of it (markers removed).
    public var answer: String
    /// The tool calls made on the line.
    public var steps: [AgentStep]
    /// True when the model ended its answer (rather than only the line).
    public var endsAnswer: Bool
    /// Tokens generated.
    public var tokens: Int
    /// What cut the line short (a limit, a stop request), if anything.
    public var stoppedBy: StopReason?
}
