/// `POST /v1/completions`: continue a plain-text prompt.
public struct CompletionRequest: Codable, Sendable, Equatable {
    /// The model to continue the prompt: a name from `GET /v1/models`.
    public var model: String
    /// One prompt (an array must hold exactly one).
    public var prompt: OneOrMany<String>
    /// Whether to answer as server-sent events instead of one response.
    public var stream: Bool?
    /// Sampling temperature from 0 (greedy) to 2; the server's default when nil.
    public var temperature: Double?
    /// Nucleus sampling: keep the most likely tokens whose probabilities add up to this (0 < p ≤ 1).
    public var topP: Double?
    /// The most tokens to generate (16 when nil, as OpenAI's default).
    public var maxTokens: Int?
    /// Strings that end generation when written; they are not part of the text.
    public var stop: OneOrMany<String>?
    /// Seed of the sampler: the same seed and request give the same text.
    public var seed: Int64?
    /// How many most likely alternatives to report per token (0 reports the chosen token only).
    public var logprobs: Int?
    /// How many choices to generate (a server may accept only 1).
    public var n: Int?
    /// Whether to repeat the prompt before the text (not supported by this server).
    public var echo: Bool?
    /// Options of a streamed answer.
    public var streamOptions: StreamOptions?

    /// A request for one prompt with the fields Ponder's clients set; nil leaves a field out.
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
    /// The completion's id (`cmpl-…`), shared by all chunks of a stream.
    public var id: String
    /// Always "text_completion".
    public var object = "text_completion"
    /// When the completion was created, in seconds since 1970.
    public var created: Int
    /// The model name the request used.
    public var model: String
    /// The continuations (one per request on this server).
    public var choices: [Choice]
    /// Token counts: in a whole response, and in a stream's last chunk when asked for.
    public var usage: Usage?

    /// A response or chunk with its parts; `object` is set.
    public init(id: String, created: Int, model: String, choices: [Choice], usage: Usage?) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }

    /// One continuation of the prompt, or a chunk's new piece of it.
    public struct Choice: Codable, Sendable, Equatable {
        /// The choice's position (0 for the only one).
        public var index: Int
        /// The generated text (in a chunk, the new text).
        public var text: String
        /// The tokens' log-probabilities, when the request asked for them.
        public var logprobs: CompletionLogProbabilities?
        /// nil in chunks before the last.
        public var finishReason: String?
        /// The stop string that ended the text, when one did (an extension vLLM also makes).
        public var stopReason: String?

        /// A choice with its parts.
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
    /// Each token's text.
    public var tokens: [String]
    /// Each token's natural-log probability.
    public var tokenLogprobs: [Double]
    /// At each token, the most likely tokens and their log-probabilities; nil when none were asked for.
    public var topLogprobs: [[String: Double]]?
    /// Where each token starts in the text, in characters.
    public var textOffset: [Int]

    /// Log-probabilities with their parallel arrays.
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
