import Foundation
import Inference

/// One conversation of a training file: the messages of one JSONL line.
public struct TrainingConversation: Sendable, Equatable {
    /// The line of the file it came from (1-based), for messages about it.
    public let line: Int
    /// The messages, in order.
    public let messages: [ChatMessage]
    /// The indices of assistant messages marked `"weight": 0` (OpenAI's fine-tuning
    /// format): context the model reads, not a reply it learns (a prompt's examples).
    public let untrainedTurns: Set<Int>

    /// A conversation read from `line`; `untrainedTurns` are left out of the loss.
    public init(line: Int, messages: [ChatMessage], untrainedTurns: Set<Int> = []) {
        self.line = line
        self.messages = messages
        self.untrainedTurns = untrainedTurns
    }
}

/// Why one line of a training file cannot be trained on.
public struct TrainingDataProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with a line.
    public enum Reason: Sendable, Equatable {
        /// The line is not JSON.
        case notJSON
        /// The line is JSON but not an object.
        case notAnObject
        /// The object has no `messages` array, or it is empty.
        case noMessages
        /// Message `index` (0-based) is not an object.
        case messageNotAnObject(index: Int)
        /// Message `index` has no `role` string, or one Ponder does not know.
        case unknownRole(index: Int, role: String?)
        /// Message `index`'s `content` is missing or not a string.
        case contentNotAString(index: Int)
        /// No message has the role `assistant` (with a weight other than 0): nothing to learn.
        case noAssistantTurn
        /// Message `index`'s `weight` is not 0 or 1.
        case invalidWeight(index: Int)
        /// The template renders the conversation into more tokens than one sequence holds.
        case tooLong(tokens: Int, context: Int)
        /// The chat template marks none of an assistant turn's tokens.
        case assistantTurnNotFound(index: Int)
    }

    /// The line (1-based).
    public let line: Int
    /// What is wrong.
    public let reason: Reason

    /// A problem on `line`.
    public init(line: Int, reason: Reason) {
        self.line = line
        self.reason = reason
    }

    /// "line 3: …", the problem as the user reads it.
    public var description: String {
        let why: String
        switch reason {
        case .notJSON: why = "not valid JSON"
        case .notAnObject: why = "not a JSON object (expected {\"messages\": [...]})"
        case .noMessages: why = "no \"messages\" array with at least one message"
        case .messageNotAnObject(let index): why = "message \(index + 1) is not an object with \"role\" and \"content\""
        case .unknownRole(let index, let role?):
            why = "message \(index + 1) has the unknown role \"\(role)\" (expected system, user, assistant or tool)"
        case .unknownRole(let index, nil): why = "message \(index + 1) has no \"role\" string"
        case .contentNotAString(let index): why = "message \(index + 1)'s \"content\" is not a string"
        case .noAssistantTurn: why = "no assistant message (with a weight other than 0), so nothing to learn"
        case .invalidWeight(let index): why = "message \(index + 1)'s \"weight\" must be 0 (not learned) or 1"
        case .tooLong(let tokens, let context):
            why = "\(tokens) tokens after the chat template, longer than the context of \(context) (raise --context or shorten it)"
        case .assistantTurnNotFound(let index):
            why = "the chat template renders no tokens for message \(index + 1) (an assistant turn)"
        }
        return "line \(line): \(why)"
    }
}

/// Why a training file cannot be used. Nothing is trained on a file with any problem.
public enum TrainingDataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read.
    case unreadable(path: String, reason: String)
    /// The file is not UTF-8 text.
    case notUTF8(path: String)
    /// The file holds no conversation.
    case empty(path: String)
    /// These lines are bad (every one of them, in order).
    case invalidLines(path: String, problems: [TrainingDataProblem])

    /// The problems, one per line, with what to do.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read the training data \(path): \(reason)"
        case .notUTF8(let path): return "the training data \(path) is not UTF-8 text"
        case .empty(let path):
            return "the training data \(path) holds no conversation; write one JSON object per line: "
                + #"{"messages": [{"role": "user", "content": "…"}, {"role": "assistant", "content": "…"}]}"#
        case .invalidLines(let path, let problems):
            let noun = problems.count == 1 ? "line" : "lines"
            return "\(problems.count) bad \(noun) in \(path); nothing was trained. Fix them and run again:\n"
                + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }
}

/// Reads a training file: one conversation per line in the OpenAI / Hugging Face chat
/// shape `{"messages": [{"role": …, "content": …}, …]}`. Blank lines are skipped; every
/// other line must be a conversation with at least one assistant turn.
public enum TrainingData {
    /// The conversations of the file at `path`; every bad line is reported at once.
    public static func load(path: String) throws(TrainingDataError) -> [TrainingConversation] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? error.localizedDescription : "no such file"
            throw .unreadable(path: path, reason: reason)
        }
        guard let text = String(validating: data, as: UTF8.self) else { throw .notUTF8(path: path) }
        return try parse(text, path: path)
    }

    /// The conversations of JSONL `text` (named `path` in errors).
    public static func parse(_ text: String, path: String) throws(TrainingDataError) -> [TrainingConversation] {
        var conversations: [TrainingConversation] = []
        var problems: [TrainingDataProblem] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { !$0.isWhitespace }) else { continue }
            switch conversation(in: line, line: index + 1) {
            case .success(let conversation): conversations.append(conversation)
            case .failure(let problem): problems.append(problem)
            }
        }
        guard problems.isEmpty else { throw .invalidLines(path: path, problems: problems) }
        guard !conversations.isEmpty else { throw .empty(path: path) }
        return conversations
    }

    /// The conversation one line holds, or why it holds none.
    static func conversation(in text: Substring, line: Int) -> Result<TrainingConversation, TrainingDataProblem> {
        func problem(_ reason: TrainingDataProblem.Reason) -> Result<TrainingConversation, TrainingDataProblem> {
            .failure(TrainingDataProblem(line: line, reason: reason))
        }
        guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            return problem(.notJSON)
        }
        guard let object = value as? [String: Any] else { return problem(.notAnObject) }
        guard let list = object["messages"] as? [Any], !list.isEmpty else { return problem(.noMessages) }
        var messages: [ChatMessage] = []
        var untrained: Set<Int> = []
        for (index, item) in list.enumerated() {
            guard let message = item as? [String: Any] else { return problem(.messageNotAnObject(index: index)) }
            guard let roleName = message["role"] as? String else { return problem(.unknownRole(index: index, role: nil)) }
            guard let role = ChatMessage.Role(rawValue: roleName) else { return problem(.unknownRole(index: index, role: roleName)) }
            // JSONSerialization reads numbers and booleans as NSNumber, never as String.
            guard let content = message["content"] as? String else { return problem(.contentNotAString(index: index)) }
            if let weight = message["weight"] {
                guard let number = weight as? NSNumber, number.doubleValue == 0 || number.doubleValue == 1 else {
                    return problem(.invalidWeight(index: index))
                }
                if number.doubleValue == 0, role == .assistant { untrained.insert(index) }
            }
            messages.append(ChatMessage(role: role, content: content))
        }
        guard messages.indices.contains(where: { messages[$0].role == .assistant && !untrained.contains($0) }) else {
            return problem(.noAssistantTurn)
        }
        return .success(TrainingConversation(line: line, messages: messages, untrainedTurns: untrained))
    }
}
