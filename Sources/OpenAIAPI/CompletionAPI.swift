/// `POST /v1/completions`: continue a plain-text prompt.
public struct CompletionRequest: Codable, Sendable, Equatable {
    public var model: String
    /// One prompt (an array must hold exactly one).
    public var prompt: OneOrMany<String>
    public var stream: Bool?
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var stop: OneOrMany<String>?
    public var seed: Int64?
    /// How many most likely alternatives to report per token (0 reports the chosen token only).
    public var logprobs: Int?
    public var n: Int?
    public var echo: Bool?
    public var streamOptions: StreamOptions?

    public init(
        model: String, prompt: String, stream: Bool? = nil, temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil,
        stop: [String]? = nil, seed: Int64? = nil, logprobs: Int? = nil
    ) {
        self.model = model
        self.prompt = OneOrMany([prompt])
        self.stream = stream
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.stop = stop.map(OneOrMany.init)
        self.seed = seed
        self.logprobs = logprobs
    }

    enum CodingKeys: String, CodingKey {
        case model, prompt, stream, temperature, stop, seed, logprobs, n, echo
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case streamOptions = "stream_options"
    }
}

/// The answer to a completion request (and, with `object` "text_completion", each
/// streamed chunk: a chunk's choice holds the new text).
public struct CompletionResponse: Codable, Sendable, Equatable {
    public var id: String
    public var object = "text_completion"
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: Usage?

    public init(id: String, created: Int, model: String, choices: [Choice], usage: Usage?) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }

    public struct Choice: Codable, Sendable, Equatable {
        public var index: Int
        public var text: String
        public var logprobs: CompletionLogProbabilities?
        /// nil in chunks before the last.
        public var finishReason: String?
        public var stopReason: String?

        public init(index: Int = 0, text: String, logprobs: CompletionLogProbabilities? = nil, finishReason: String?, stopReason: String? = nil) {
            self.index = index
            self.text = text
            self.logprobs = logprobs
            self.finishReason = finishReason
            self.stopReason = stopReason
        }

        enum CodingKeys: String, CodingKey {
            case index, text, logprobs
            case finishReason = "finish_reason"
            case stopReason = "stop_reason"
        }
    }
}

/// The legacy completions log-probability shape: parallel arrays per token.
public struct CompletionLogProbabilities: Codable, Sendable, Equatable {
    public var tokens: [String]
    public var tokenLogprobs: [Double]
    public var topLogprobs: [[String: Double]]?
    public var textOffset: [Int]

    public init(tokens: [String], tokenLogprobs: [Double], topLogprobs: [[String: Double]]?, textOffset: [Int]) {
        self.tokens = tokens
        self.tokenLogprobs = tokenLogprobs
        self.topLogprobs = topLogprobs
        self.textOffset = textOffset
    }

    enum CodingKeys: String, CodingKey {
        case tokens
        case tokenLogprobs = "token_logprobs"
        case topLogprobs = "top_logprobs"
        case textOffset = "text_offset"
    }
}
