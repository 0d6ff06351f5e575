import Agent
import Inference

extension ChatMessage {
    /// The engine's form of a planner's message, for the chat template.
    public init(_ message: Message) {
        let role: ChatMessage.Role = switch message.role {
        case .system: .system
        case .user: .user
        case .assistant: .assistant
        case .tool: .tool
        }
        self.init(role: role, content: message.content)
    }
}
