/// An error in OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`.
public struct ErrorBody: Codable, Sendable, Equatable {
    /// What went wrong.
    public var error: Detail

    /// An error with its message, type, and optionally the field at fault and a code.
    public init(message: String, type: String, param: String? = nil, code: String? = nil) {
        error = Detail(message: message, type: type, param: param, code: code)
    }

    /// The parts of an error.
    public struct Detail: Codable, Sendable, Equatable {
        /// A sentence for a person: what was wrong and, where it helps, what to do.
        public var message: String
        /// "invalid_request_error", "authentication_error", "not_found_error",
        /// "server_overloaded", "server_error", …
        public var type: String
        /// The request field at fault, if one is.
        public var param: String?
        /// A machine-readable code, e.g. "context_length_exceeded".
        public var code: String?
    }
}
