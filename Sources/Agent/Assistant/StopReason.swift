import Foundation

/// What ended a run before the model (or the search) finished by itself; the answer
/// is then the best so far. Its `description` is the phrase reports show
/// (`ask --json`'s `stopped_by`): "the step limit (6)", "the time budget (30 s)".
public enum StopReason: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The run's wall-clock limit passed.
    case timeLimit
    /// The run generated its maximum number of tokens.
    case tokenLimit(Int)
    /// The model asked for one tool call more than allowed.
    case stepLimit(Int)
    /// The model kept writing the same line.
    case repetition
    /// Someone asked for the best answer so far (Ctrl-C in deliberate mode).
    case stopRequest
    /// The task running the question was cancelled.
    case cancellation
    /// A search's time budget, in seconds, was spent.
    case budget(Duration)

    /// The phrase reports show, e.g. "the token limit (512)".
    public var description: String {
        switch self {
        case .timeLimit: "the time limit"
        case .tokenLimit(let limit): "the token limit (\(limit))"
        case .stepLimit(let limit): "the step limit (\(limit))"
        case .repetition: "repetition (the model was writing the same line again and again)"
        case .stopRequest: "a stop request"
        case .cancellation: "cancellation"
        case .budget(let budget): "the time budget (\(StopReason.seconds(budget)) s)"
        }
    }

    /// The reason a `description` names, or nil for a phrase no reason has.
    public init?(description: String) {
        let all: [StopReason] = [.timeLimit, .repetition, .stopRequest, .cancellation]
        if let simple = all.first(where: { $0.description == description }) {
            self = simple
            return
        }
        func number(after prefix: String) -> Substring? {
            guard description.hasPrefix(prefix), description.hasSuffix(")") else { return nil }
            return description.dropFirst(prefix.count).dropLast()
        }
        if let value = number(after: "the token limit ("), let limit = Int(value) {
            self = .tokenLimit(limit)
        } else if let value = number(after: "the step limit ("), let limit = Int(value) {
            self = .stepLimit(limit)
        } else if let value = number(after: "the time budget ("), value.hasSuffix(" s"), let seconds = Double(value.dropLast(2)) {
            self = .budget(.milliseconds(Int((seconds * 1000).rounded())))
        } else {
            return nil
        }
    }

    /// "30" or "2.5": whole seconds without a fraction, else one decimal.
    static func seconds(_ duration: Duration) -> String {
        let value = duration.inSeconds
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

extension StopReason: Codable {
    /// Encoded as its description, so reports keep their phrases.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Decodes a phrase written by `encode(to:)`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let reason = StopReason(description: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a stop reason: \(text)")
        }
        self = reason
    }
}

/// How a question was answered: at once, or after a search of thoughts.
public enum AnswerMode: String, Sendable, Codable, Equatable {
    /// The planner answered directly (tools included).
    case fast
    /// A tree-of-thoughts search chose the answer.
    case deliberate
}
