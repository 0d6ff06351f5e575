/// An error in OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`.
public struct ErrorBody: Codable, Sendable, Equatable {
    public var error: Detail

    public init(message: String, type: String, param: String? = nil, code: String? = nil) {
        error = Detail(message: message, type: type, param: param, code: code)
    }

    public struct Detail: Codable, Sendable, Equatable {
        public var message: String
        /// "invalid_request_error", "authentication_error", "not_found_error",
        /// "server_overloaded", "server_error", …
        public var type: String
        /// The request field at fault, if one is.
        public var param: String?
        public var code: String?
    }
}
