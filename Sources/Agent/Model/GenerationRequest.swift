/// What the planner asks of one generation.
public struct GenerationRequest: Sendable {
    /// At most this many tokens.
    public var maximumTokens: Int
    /// 0 is greedy.
    public var temperature: Double
    /// Seed of the sampler (sampling only).
    public var seed: UInt64
    /// Generation stops after writing any of these; the stop string is part of the
    /// context afterwards and reported in the outcome, not in the streamed text.
    public var stopStrings: [String]
    /// Restricts each next token, e.g. to a calculator's alphabet inside a marker.
    public var constraint: (any TokenConstraint)?
    /// Report the log-probability of each generated token.
    public var logProbabilities: Bool
    /// Report, at each step, this many of the most likely next tokens with their
    /// log-probabilities (0: none); how a value prompt reads "sure" against "impossible".
    public var alternatives: Int

    /// A request with the given values; by default greedy, unconstrained, without stop strings.
    public init(
        maximumTokens: Int, temperature: Double = 0, seed: UInt64 = 0, stopStrings: [String] = [],
        constraint: (any TokenConstraint)? = nil, logProbabilities: Bool = false, alternatives: Int = 0
    ) {
        self.maximumTokens = maximumTokens
        self.temperature = temperature
        self.seed = seed
        self.stopStrings = stopStrings
        self.constraint = constraint
        self.logProbabilities = logProbabilities
        self.alternatives = alternatives
    }
}

/// What one generation produced and why it ended.
public struct GenerationOutcome: Sendable, Equatable {
    /// Why generation ended.
    public enum StopReason: Sendable, Equatable {
        /// The model ended its turn.
        case endOfTurn
        /// It wrote this stop string (now part of the context).
        case stopString(String)
        /// The request's token limit.
        case maximumTokens
        /// The context is full.
        case contextFull
        /// `onText` returned false, or the task was cancelled.
        case cancelled
    }

    /// The generated text, without the stop string.
    public var text: String
    /// Why generation ended.
    public var stopReason: StopReason
    /// How many tokens were generated.
    public var tokenCount: Int
    /// Log-probability of each generated token, when requested.
    public var logProbabilities: [Double]
    /// At each step, the most likely next tokens, best first, when requested.
    public var alternatives: [[TokenAlternative]]

    /// An outcome with the given parts.
    public init(
        text: String, stopReason: StopReason, tokenCount: Int, logProbabilities: [Double] = [], alternatives: [[TokenAlternative]] = []
    ) {
        self.text = text
        self.stopReason = stopReason
        self.tokenCount = tokenCount
        self.logProbabilities = logProbabilities
        self.alternatives = alternatives
    }
}

/// A token the model could have written next, and how likely it found it.
public struct TokenAlternative: Sendable, Equatable {
    /// The token's text.
    public var text: String
    /// Its natural-log probability.
    public var logProbability: Double

    /// A token's text with its log-probability.
    public init(text: String, logProbability: Double) {
        self.text = text
        self.logProbability = logProbability
    }
}
