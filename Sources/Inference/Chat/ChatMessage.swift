/// One message of a conversation.
public struct ChatMessage: Codable, Sendable, Equatable {
    /// Who speaks.
    public enum Role: String, Codable, Sendable {
        /// Instructions to the assistant, before the conversation.
        case system
        /// The person asking.
        case user
        /// The model.
        case assistant
        /// A tool's result, fed back to the model.
        case tool
    }

    /// Who speaks.
    public var role: Role
    /// What is said.
    public var content: String

    /// A message of `role` saying `content`.
    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}
