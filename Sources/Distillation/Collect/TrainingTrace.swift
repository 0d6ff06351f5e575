import Agent
import Foundation

/// A verified trace written as a training conversation: the planner's own prompt for
/// the question (system prompt, retrieved examples), the question, then the model's
/// turn with its markers and the results it read.
///
/// Its JSON line is what `ponder train --data` reads: `{"messages": [{"role", "content"}…]}`;
/// the extra keys `id`, `kind` and `template` say where it came from and are ignored by
/// the training reader.
public struct TrainingTrace: Codable, Sendable, Equatable {
    /// The curriculum item's id, e.g. `arithmetic-7-12`.
    public var id: String
    /// What job the item exercised.
    public var kind: CurriculumItem.Kind
    /// The template that worded the question.
    public var template: String
    /// The conversation, in order; the loss covers the assistant turns.
    public var messages: [TraceMessage]

    /// A trace of `messages` for the item `id`.
    public init(id: String, kind: CurriculumItem.Kind, template: String, messages: [TraceMessage]) {
        self.id = id
        self.kind = kind
        self.template = template
        self.messages = messages
    }

    /// A trace of the planner's `prompt` messages followed by the turn's `conversation`
    /// (`AgentAnswer.conversation`, which starts with the question). The prompt's
    /// example answers are marked `weight: 0`: they are the context the model answers
    /// in, not what it is to learn again on every line.
    public init(item: CurriculumItem, prompt: [Message], conversation: [Message]) {
        // The prompt ends with the question, which the conversation repeats.
        var head = prompt
        if let last = head.last, last.role == .user, let first = conversation.first, first == last { head.removeLast() }
        let context = head.map { message in TraceMessage(role: message.role, content: message.content, weight: message.role == .assistant ? 0 : nil) }
        self.init(id: item.id, kind: item.kind, template: item.template, messages: context + conversation.map(TraceMessage.init))
    }

    /// The trace as one line of a training file (no newline at the end).
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The question the trace answers: its last user message before the first assistant
    /// turn to learn (the prompt's examples come before it).
    public var question: String {
        let firstReply = messages.firstIndex { $0.role == .assistant && $0.weight != 0 } ?? messages.endIndex
        return messages[..<firstReply].last { $0.role == .user }?.content ?? ""
    }

    /// Everything the model wrote in its own turns (not the prompt's examples), joined:
    /// what deduplication compares.
    public var assistantText: String {
        messages.filter { $0.role == .assistant && $0.weight != 0 }.map(\.content).joined(separator: "\n")
    }
}

/// One message of a training conversation.
public struct TraceMessage: Codable, Sendable, Equatable {
    /// Who speaks: system, user, assistant or tool.
    public var role: Message.Role
    /// What they say.
    public var content: String
    /// 0 for an assistant turn that is context only (a prompt's example), not a target;
    /// nil (left out of the JSON) for a turn to learn. The key is OpenAI's fine-tuning
    /// format's; a reader that ignores it trains on every assistant turn.
    public var weight: Int?

    /// A message from `role` saying `content`, with `weight` 0 when it is context only.
    public init(role: Message.Role, content: String, weight: Int? = nil) {
        self.role = role
        self.content = content
        self.weight = weight
    }

    /// The agent's message as a training message.
    public init(_ message: Message) {
        self.init(role: message.role, content: message.content)
    }

    /// The training message as the agent's message.
    public var message: Message { Message(role, content) }
}
