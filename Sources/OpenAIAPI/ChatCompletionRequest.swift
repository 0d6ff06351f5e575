/// `POST /v1/chat/completions`: a conversation to continue.
///
/// Only what Ponder reads is declared; other fields clients send are ignored.
public struct ChatCompletionRequest: Codable, Sendable, Equatable {
    public var model: String
    public var messages: [ChatCompletionMessage]
    public var stream: Bool?
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    /// The newer name of `max_tokens`.
    public var maxCompletionTokens: Int?
    public var stop: OneOrMany<String>?
    public var seed: Int64?
    public var logprobs: Bool?
    public var topLogprobs: Int?
    public var n: Int?
    public var tools: [ToolDefinition]?
    public var toolChoice: ToolChoice?
    public var streamOptions: StreamOptions?

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
    public var includeUsage: Bool?

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
    public var name: String?
    /// Calls an assistant message made.
    public var toolCalls: [ToolCallObject]?
    /// The call a tool message answers.
    public var toolCallID: String?

    public enum Role: String, Codable, Sendable, CaseIterable {
        case system, developer, user, assistant, tool

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
    case text(String)
    case parts([ContentPart])

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
    public var type: String
    public var text: String?
}

/// A function the client offers the model: `{"type": "function", "function": {…}}`.
public struct ToolDefinition: Codable, Sendable, Equatable {
    public var type: String
    public var function: FunctionDefinition

    public init(function: FunctionDefinition) {
        type = "function"
        self.function = function
    }
}

/// A function's name, description and JSON-schema parameters.
public struct FunctionDefinition: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public var parameters: JSONValue?

    public init(name: String, description: String? = nil, parameters: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// `tool_choice`: "none", "auto", "required", or one named function.
public enum ToolChoice: Codable, Sendable, Equatable {
    case none, auto, required
    case function(String)

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
    public var id: String
    public var type: String
    public var function: FunctionCall

    public init(id: String, name: String, arguments: String) {
        self.id = id
        type = "function"
        function = FunctionCall(name: name, arguments: arguments)
    }

    public struct FunctionCall: Codable, Sendable, Equatable {
        public var name: String
        public var arguments: String
    }
}
