/// One message of a conversation.
public struct ChatMessage: Codable, Sendable, Equatable {
    /// Who speaks.
    public enum Role: String, Codable, Sendable {
        case system, user, assistant, tool
    }

    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}
