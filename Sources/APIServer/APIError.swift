import AgentTools
import OpenAIAPI

/// A request the server refuses or could not serve, with the HTTP status and the
/// OpenAI-style error body the client reads.
public struct APIError: Error, Equatable, CustomStringConvertible {
    /// The HTTP status code.
    public let status: Int
    /// OpenAI's error type, e.g. "invalid_request_error".
    public let type: String
    /// What is wrong and what to do.
    public let message: String
    /// The request field at fault.
    public let param: String?
    /// A machine-readable code, e.g. "context_length_exceeded".
    public let code: String?

    /// `message` and `param` may quote the request: their control and format
    /// characters are escaped (`escapingControlCharacters`), never sent raw.
    public init(status: Int, type: String, message: String, param: String? = nil, code: String? = nil) {
        self.status = status
        self.type = type
        self.message = message.escapingControlCharacters()
        self.param = param.map { $0.escapingControlCharacters() }
        self.code = code
    }

    /// The status, type and message on one line, for logs.
    public var description: String { "\(status) \(type): \(message)" }

    /// The body sent to the client.
    public var body: ErrorBody { ErrorBody(message: message, type: type, param: param, code: code) }

    /// A field is missing, of the wrong type or out of range.
    static func invalid(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(status: 400, type: "invalid_request_error", message: message, param: param, code: code)
    }

    static func unknownModel(_ name: String, available: [String]) -> APIError {
        APIError(
            status: 404, type: "invalid_request_error",
            message: "the model '\(name)' does not exist; this server offers \(available.map { "'\($0)'" }.joined(separator: ", "))",
            param: "model", code: "model_not_found")
    }

    static let missingKey = APIError(
        status: 401, type: "authentication_error",
        message: "this server needs an API key: send the header 'Authorization: Bearer KEY' (the key given to ponder serve --api-key)",
        code: "invalid_api_key")

    static let wrongKey = APIError(
        status: 401, type: "authentication_error", message: "the API key is not the one this server was started with",
        code: "invalid_api_key")

    static func queueFull(waiting: Int) -> APIError {
        APIError(
            status: 503, type: "server_overloaded",
            message: "the server is busy: \(waiting) requests are already waiting for the model; try again shortly",
            code: "queue_full")
    }

    static let tooManyConnections = APIError(
        status: 503, type: "server_overloaded",
        message: "the server has as many connections open as it allows (ponder serve --max-connections); try again shortly",
        code: "too_many_connections")

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(
            status: 413, type: "invalid_request_error",
            message: "the request body is larger than this server accepts (\(limit) bytes)", code: "request_too_large")
    }

    static func notFound(method: String, path: String) -> APIError {
        APIError(
            status: 404, type: "invalid_request_error",
            message: "no endpoint \(method) \(path); the endpoints are GET /v1/models, POST /v1/chat/completions and POST /v1/completions",
            code: "unknown_url")
    }

    static func server(_ message: String) -> APIError {
        APIError(status: 500, type: "server_error", message: message)
    }
}
