/// `POST /v1/chat/completions`: a conversation to continue.
///
/// Only what Ponder reads is declared; other fields clients send are ignored.
public struct ChatCompletionRequest: Codable, Sendable, Equatable {
    /// The model to answer: a name from `GET /v1/models`.
    public var model: String
    /// The conversation so far, oldest first.
    public var messages: [ChatCompletionMessage]
    /// Whether to answer as server-sent events (`ChatCompletionChunk`s) instead of one response.
    public var stream: Bool?
    /// Sampling temperature from 0 (greedy) to 2; the server's default when nil.
    public var temperature: Double?
    /// Nucleus sampling: keep the most likely tokens whose probabilities add up to this (0 < p ≤ 1).
    public var topP: Double?
    /// The most tokens to generate (the older name of `max_completion_tokens`).
    public var maxTokens: Int?
    /// The newer name of `max_tokens`.
    public var maxCompletionTokens: Int?
    /// Strings that end generation when written; they are not part of the text.
    public var stop: OneOrMany<String>?
    /// Seed of the sampler: the same seed and request give the same text.
    public var seed: Int64?
    /// Whether to report each generated token's log-probability.
    public var logprobs: Bool?
    /// How many most likely alternatives to report per token (needs `logprobs`).
    public var topLogprobs: Int?
    /// How many choices to generate (a server may accept only 1).
    public var n: Int?
    /// Functions the model may call.
    public var tools: [ToolDefinition]?
    /// Whether the model must, may or must not call one of `tools`.
    public var toolChoice: ToolChoice?
    /// Options of a streamed answer.
    public var streamOptions: StreamOptions?

    /// A request with the fields Ponder's clients set; nil leaves a field out.
    public init(
        model: String, messages: [ChatCompletionMessage], stream: Bool? = nil, temperature: Double? = nil, topP: Double? = nil,
        maxTokens: Int? = nil, stop: [String]? = nil, seed: Int64? = nil, logprobs: Bool? = nil, topLogprobs: Int? = nil,
        tools: [ToolDefinition]? = nil, toolChoice: ToolChoice? = nil
    ) {
        self.model = model
        self.messages = messages
        self.stream = stream
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.stop = stop.map(OneOrMany.init)
        self.seed = seed
        self.logprobs = logprobs
        self.topLogprobs = topLogprobs
        self.tools = tools
        self.toolChoice = toolChoice
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, stream, temperature, seed, logprobs, n, tools, stop
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case topLogprobs = "top_logprobs"
        case toolChoice = "tool_choice"
        case streamOptions = "stream_options"
    }
}

/// `stream_options`: whether the last chunk reports token usage.
public struct StreamOptions: Codable, Sendable, Equatable {
    /// Whether the last chunk carries the request's token usage.
    public var includeUsage: Bool?

    /// Options that ask (or not) for usage in the last chunk.
    public init(includeUsage: Bool) {
        self.includeUsage = includeUsage
    }

    enum CodingKeys: String, CodingKey {
        case includeUsage = "include_usage"
    }
}

/// One message of a conversation in the API's shape.
public struct ChatCompletionMessage: Codable, Sendable, Equatable {
    /// "system", "developer", "user", "assistant" or "tool".
    public var role: Role
    /// The text; nil for an assistant message that only calls tools.
    public var content: MessageContent?
    /// A name for the speaker (read and ignored).
    public var name: String?
    /// Calls an assistant message made.
    public var toolCalls: [ToolCallObject]?
    /// The call a tool message answers.
    public var toolCallID: String?

    /// Who wrote a message.
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// Instructions (system, developer), the person, the model, or a tool's answer.
        case system, developer, user, assistant, tool

        /// Reads a role, naming the allowed ones when it is none of them.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let name = try container.decode(String.self)
            guard let role = Role(rawValue: name) else {
                let names = Role.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected one of \(names), got '\(name)'")
            }
            self = role
        }
    }

    /// A message with plain-text content (nil for an assistant's call only).
    public init(role: Role, content: String?, toolCalls: [ToolCallObject]? = nil, toolCallID: String? = nil) {
        self.role = role
        self.content = content.map(MessageContent.text)
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    /// The message's text (text parts joined).
    public var text: String { content?.text ?? "" }

    enum CodingKeys: String, CodingKey {
        case role, content, name
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
    }
}

/// A message's content: a string, or an array of parts of which Ponder reads text.
public enum MessageContent: Codable, Sendable, Equatable {
    /// Plain text.
    case text(String)
    /// Typed parts, of which text parts are read.
    case parts([ContentPart])

    /// Reads a string or an array of parts; anything else is an error that says what was expected.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let parts = try? container.decode([ContentPart].self) {
            self = .parts(parts)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a string or an array of {\"type\": \"text\", \"text\": …} parts")
        }
    }

    /// Writes the content back in the shape it was read in.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .parts(let parts): try container.encode(parts)
        }
    }

    /// The text of the content (parts that are not text contribute nothing).
    public var text: String {
        switch self {
        case .text(let text): text
        case .parts(let parts): parts.compactMap(\.text).joined()
        }
    }
}

/// One part of a multi-part message: `{"type": "text", "text": …}` (other types are
/// read only so they can be refused by name).
public struct ContentPart: Codable, Sendable, Equatable {
    /// The part's type: "text", or another type this server refuses by name.
    public var type: String
    /// The text of a "text" part.
    public var text: String?
}

/// A function the client offers the model: `{"type": "function", "function": {…}}`.
public struct ToolDefinition: Codable, Sendable, Equatable {
    /// Always "function".
    public var type: String
    /// The function offered.
    public var function: FunctionDefinition

    /// A function offered as a tool.
    public init(function: FunctionDefinition) {
        type = "function"
        self.function = function
    }
}

/// A function's name, description and JSON-schema parameters.
public struct FunctionDefinition: Codable, Sendable, Equatable {
    /// The name the model calls the function by.
    public var name: String
    /// What the function does, for the model.
    public var description: String?
    /// A JSON schema of the arguments (an object schema); nil takes none.
    public var parameters: JSONValue?

    /// A function with its name, description and parameter schema.
    public init(name: String, description: String? = nil, parameters: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// `tool_choice`: "none", "auto", "required", or one named function.
public enum ToolChoice: Codable, Sendable, Equatable {
    /// No call ("none"), the model's choice ("auto"), or some call ("required").
    case none, auto, required
    /// A call to the named function.
    case function(String)

    /// Reads "none", "auto", "required" or `{"type": "function", "function": {"name": …}}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let word = try? container.decode(String.self) {
            switch word {
            case "none": self = .none
            case "auto": self = .auto
            case "required": self = .required
            default:
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected \"none\", \"auto\", \"required\" or {\"type\": \"function\", …}, got \"\(word)\"")
            }
            return
        }
        struct Named: Decodable {
            struct Function: Decodable { let name: String }
            let function: Function
        }
        self = .function(try container.decode(Named.self).function.name)
    }

    /// Writes the choice in the shape it is read in.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .none: try container.encode("none")
        case .auto: try container.encode("auto")
        case .required: try container.encode("required")
        case .function(let name): try container.encode(["type": JSONValue.string("function"), "function": .object(["name": .string(name)])])
        }
    }
}

/// A call the model made: `{"id", "type": "function", "function": {"name", "arguments"}}`;
/// the arguments are JSON text.
public struct ToolCallObject: Codable, Sendable, Equatable {
    /// The call's id, which the tool message answering it repeats (`tool_call_id`).
    public var id: String
    /// Always "function".
    public var type: String
    /// The function called and its arguments.
    public var function: FunctionCall

    /// A call to `name` with `arguments` as JSON text.
    public init(id: String, name: String, arguments: String) {
        self.id = id
        type = "function"
        function = FunctionCall(name: name, arguments: arguments)
    }

    /// The function a call names, and its arguments.
    public struct FunctionCall: Codable, Sendable, Equatable {
        /// The function's name.
        public var name: String
        /// The arguments as JSON text (an object).
        public var arguments: String
    }
}
