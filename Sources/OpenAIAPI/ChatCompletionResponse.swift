/// The answer to a non-streaming chat completion request.
public struct ChatCompletionResponse: Codable, Sendable, Equatable {
    public var id: String
    public var object = "chat.completion"
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: Usage
    /// `ponder-agent` only: the tool calls Ponder ran on the server to reach the answer.
    public var ponderSteps: [PonderStep]?

    public init(id: String, created: Int, model: String, choices: [Choice], usage: Usage, ponderSteps: [PonderStep]? = nil) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.ponderSteps = ponderSteps
    }

    public struct Choice: Codable, Sendable, Equatable {
        public var index: Int
        public var message: ChatCompletionMessage
        public var logprobs: ChatLogProbabilities?
        /// "stop", "length" or "tool_calls".
        public var finishReason: String
        /// The stop string that ended the text, when one did (an extension vLLM also makes).
        public var stopReason: String?

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
    public var id: String
    public var object = "chat.completion.chunk"
    public var created: Int
    public var model: String
    public var choices: [Choice]
    /// Only in the last chunk, when `stream_options.include_usage` asked for it.
    public var usage: Usage?
    /// `ponder-agent` only: a tool call Ponder ran, as soon as it finished.
    public var ponderStep: PonderStep?

    public init(id: String, created: Int, model: String, choices: [Choice], usage: Usage? = nil, ponderStep: PonderStep? = nil) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.ponderStep = ponderStep
    }

    public struct Choice: Codable, Sendable, Equatable {
        public var index: Int
        public var delta: Delta
        public var logprobs: ChatLogProbabilities?
        public var finishReason: String?
        public var stopReason: String?

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
        public var role: String?
        public var content: String?
        public var toolCalls: [ToolCallDelta]?

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
    public var index: Int
    public var id: String?
    public var type: String?
    public var function: Function?

    public init(index: Int, call: ToolCallObject) {
        self.index = index
        id = call.id
        type = call.type
        function = Function(name: call.function.name, arguments: call.function.arguments)
    }

    public struct Function: Codable, Sendable, Equatable {
        public var name: String?
        public var arguments: String?
    }
}

/// Token counts of a request.
public struct Usage: Codable, Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int

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
    public var content: [TokenLogProbability]?

    public init(content: [TokenLogProbability]) {
        self.content = content
    }
}

/// One generated token with its log-probability and the most likely alternatives.
public struct TokenLogProbability: Codable, Sendable, Equatable {
    public var token: String
    public var logprob: Double
    public var bytes: [Int]?
    public var topLogprobs: [Alternative]?

    public init(token: String, logprob: Double, bytes: [Int]?, topLogprobs: [Alternative]?) {
        self.token = token
        self.logprob = logprob
        self.bytes = bytes
        self.topLogprobs = topLogprobs
    }

    public struct Alternative: Codable, Sendable, Equatable {
        public var token: String
        public var logprob: Double
        public var bytes: [Int]?

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
    public var tool: String
    public var input: String
    public var output: String
    public var ok: Bool
    public var ms: Int

    public init(tool: String, input: String, output: String, ok: Bool, ms: Int) {
        self.tool = tool
        self.input = input
        self.output = output
        self.ok = ok
        self.ms = ms
    }
}
