/// The answer to a non-streaming chat completion request.
public struct ChatCompletionResponse: Codable, Sendable, Equatable {
    /// The completion's id (`chatcmpl-…`), shared by all chunks of a stream.
    public var id: String
    /// Always "chat.completion".
    public var object = "chat.completion"
    /// When the completion was created, in seconds since 1970.
    public var created: Int
    /// The model name the request used.
    public var model: String
    /// The answers (one per request on this server).
    public var choices: [Choice]
    /// Token counts of the request.
    public var usage: Usage
    /// `ponder-agent` only: the tool calls Ponder ran on the server to reach the answer.
    public var ponderSteps: [PonderStep]?

    /// A response with its parts; `object` is set.
    public init(id: String, created: Int, model: String, choices: [Choice], usage: Usage, ponderSteps: [PonderStep]? = nil) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.ponderSteps = ponderSteps
    }

    /// One answer: the assistant's message and why it ended.
    public struct Choice: Codable, Sendable, Equatable {
        /// The choice's position (0 for the only one).
        public var index: Int
        /// The assistant's message: text, calls, or both.
        public var message: ChatCompletionMessage
        /// The tokens' log-probabilities, when the request asked for them.
        public var logprobs: ChatLogProbabilities?
        /// "stop", "length" or "tool_calls".
        public var finishReason: String
        /// The stop string that ended the text, when one did (an extension vLLM also makes).
        public var stopReason: String?

        /// A choice with its parts.
        public init(index: Int = 0, message: ChatCompletionMessage, logprobs: ChatLogProbabilities? = nil, finishReason: String, stopReason: String? = nil) {
            self.index = index
            self.message = message
            self.logprobs = logprobs
            self.finishReason = finishReason
            self.stopReason = stopReason
        }

        enum CodingKeys: String, CodingKey {
            case index, message, logprobs
            case finishReason = "finish_reason"
            case stopReason = "stop_reason"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage
        case ponderSteps = "ponder_steps"
    }
}

/// One server-sent event of a streaming chat completion.
public struct ChatCompletionChunk: Codable, Sendable, Equatable {
    /// The completion's id, the same in every chunk.
    public var id: String
    /// Always "chat.completion.chunk".
    public var object = "chat.completion.chunk"
    /// When the completion was created, in seconds since 1970.
    public var created: Int
    /// The model name the request used.
    public var model: String
    /// What this chunk adds (empty in a usage-only last chunk).
    public var choices: [Choice]
    /// Only in the last chunk, when `stream_options.include_usage` asked for it.
    public var usage: Usage?
    /// `ponder-agent` only: a tool call Ponder ran, as soon as it finished.
    public var ponderStep: PonderStep?

    /// A chunk with its parts; `object` is set.
    public init(id: String, created: Int, model: String, choices: [Choice], usage: Usage? = nil, ponderStep: PonderStep? = nil) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.ponderStep = ponderStep
    }

    /// What a chunk adds to one choice.
    public struct Choice: Codable, Sendable, Equatable {
        /// The choice's position (0 for the only one).
        public var index: Int
        /// The new part of the message.
        public var delta: Delta
        /// The new tokens' log-probabilities, when the request asked for them.
        public var logprobs: ChatLogProbabilities?
        /// Why the message ended ("stop", "length", "tool_calls"); nil before the last chunk.
        public var finishReason: String?
        /// The stop string that ended the text, when one did.
        public var stopReason: String?

        /// A chunk's choice with its parts.
        public init(index: Int = 0, delta: Delta, logprobs: ChatLogProbabilities? = nil, finishReason: String? = nil, stopReason: String? = nil) {
            self.index = index
            self.delta = delta
            self.logprobs = logprobs
            self.finishReason = finishReason
            self.stopReason = stopReason
        }

        enum CodingKeys: String, CodingKey {
            case index, delta, logprobs
            case finishReason = "finish_reason"
            case stopReason = "stop_reason"
        }
    }

    /// What a chunk adds to the message.
    public struct Delta: Codable, Sendable, Equatable {
        /// "assistant" in the first chunk; nil after.
        public var role: String?
        /// New text of the message.
        public var content: String?
        /// Calls, or parts of them.
        public var toolCalls: [ToolCallDelta]?

        /// A delta with the given parts (nil leaves a field out).
        public init(role: String? = nil, content: String? = nil, toolCalls: [ToolCallDelta]? = nil) {
            self.role = role
            self.content = content
            self.toolCalls = toolCalls
        }

        enum CodingKeys: String, CodingKey {
            case role, content
            case toolCalls = "tool_calls"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage
        case ponderStep = "ponder_step"
    }
}

/// A tool call in a stream: its position, then its id, name and arguments.
public struct ToolCallDelta: Codable, Sendable, Equatable {
    /// Which call of the message this part belongs to.
    public var index: Int
    /// The call's id (in its first part).
    public var id: String?
    /// "function" (in its first part).
    public var type: String?
    /// The name and arguments, or the next piece of them.
    public var function: Function?

    /// A whole call as one delta at position `index`.
    public init(index: Int, call: ToolCallObject) {
        self.index = index
        id = call.id
        type = call.type
        function = Function(name: call.function.name, arguments: call.function.arguments)
    }

    /// A function call's name and arguments, or pieces of them.
    public struct Function: Codable, Sendable, Equatable {
        /// The function's name (in the first part).
        public var name: String?
        /// Arguments JSON text, or the next piece of it.
        public var arguments: String?
    }
}

/// Token counts of a request.
public struct Usage: Codable, Sendable, Equatable {
    /// Tokens of the prompt.
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int
    /// Their sum.
    public var totalTokens: Int

    /// Counts with their total.
    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        totalTokens = promptTokens + completionTokens
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
    }
}

/// Log-probabilities of a chat completion's tokens: `{"content": [{token, logprob, bytes, top_logprobs}]}`.
public struct ChatLogProbabilities: Codable, Sendable, Equatable {
    /// One entry per generated token, in order.
    public var content: [TokenLogProbability]?

    /// Log-probabilities of these tokens.
    public init(content: [TokenLogProbability]) {
        self.content = content
    }
}

/// One generated token with its log-probability and the most likely alternatives.
public struct TokenLogProbability: Codable, Sendable, Equatable {
    /// The token's text.
    public var token: String
    /// Its natural-log probability.
    public var logprob: Double
    /// The token's bytes (a token may hold part of a character).
    public var bytes: [Int]?
    /// The most likely tokens at this step, best first.
    public var topLogprobs: [Alternative]?

    /// A token's entry with its parts.
    public init(token: String, logprob: Double, bytes: [Int]?, topLogprobs: [Alternative]?) {
        self.token = token
        self.logprob = logprob
        self.bytes = bytes
        self.topLogprobs = topLogprobs
    }

    /// A token the model could have written at this step.
    public struct Alternative: Codable, Sendable, Equatable {
        /// The token's text.
        public var token: String
        /// Its natural-log probability.
        public var logprob: Double
        /// The token's bytes.
        public var bytes: [Int]?

        /// An alternative with its parts.
        public init(token: String, logprob: Double, bytes: [Int]?) {
            self.token = token
            self.logprob = logprob
            self.bytes = bytes
        }
    }

    enum CodingKeys: String, CodingKey {
        case token, logprob, bytes
        case topLogprobs = "top_logprobs"
    }
}

/// A tool call `ponder-agent` ran on the server.
public struct PonderStep: Codable, Sendable, Equatable {
    /// The tool's name, e.g. "calc".
    public var tool: String
    /// What the model gave the tool.
    public var input: String
    /// What the tool answered (an error message when it failed).
    public var output: String
    /// Whether the tool succeeded.
    public var ok: Bool
    /// How long the tool ran, in milliseconds.
    public var ms: Int

    /// A step with its parts.
    public init(tool: String, input: String, output: String, ok: Bool, ms: Int) {
        self.tool = tool
        self.input = input
        self.output = output
        self.ok = ok
        self.ms = ms
    }
}
