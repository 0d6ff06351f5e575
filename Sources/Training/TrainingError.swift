/// Why training could not start or go on: each case names what was wrong and, where
/// it helps, what to do.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model's architecture has no training support (only `llama` and `qwen2` do).
    case unsupportedArchitecture(String, supported: [String])
    /// A LoRA setting is out of range (rank, alpha, targets).
    case invalidConfiguration(String)
    /// A sequence had too few tokens to predict anything (at least two are needed).
    case sequenceTooShort(tokens: Int)
    /// The loss mask must have one entry per token.
    case maskLength(mask: Int, tokens: Int)
    /// A token id outside the model's vocabulary.
    case tokenOutOfRange(TokenIDValue, vocabularySize: Int)
    /// The forward or backward pass produced an infinity or NaN.
    case nonFinite(String)
    /// An adapter does not fit the model or this configuration.
    case adapterMismatch(String)

    /// The raw value of a token id, as the error reports it.
    public typealias TokenIDValue = Int

    /// A message for the user: what went wrong and what to do.
    public var description: String {
        switch self {
        case let .unsupportedArchitecture(name, supported):
            return "training supports the architectures \(supported.joined(separator: ", ")); this model is \(name)"
        case let .invalidConfiguration(reason):
            return "invalid LoRA configuration: \(reason)"
        case let .sequenceTooShort(tokens):
            return "a training sequence needs at least 2 tokens; this one has \(tokens)"
        case let .maskLength(mask, tokens):
            return "the loss mask has \(mask) entries for \(tokens) tokens; it needs one per token"
        case let .tokenOutOfRange(token, size):
            return "token id \(token) is outside the vocabulary (0..<\(size))"
        case let .nonFinite(place):
            return "training produced a non-finite value in \(place); lower the learning rate or check the data"
        case let .adapterMismatch(reason):
            return "the adapter does not fit this model: \(reason)"
        }
    }
}
