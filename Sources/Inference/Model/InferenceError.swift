/// Problems loading a model for inference or running it. Names taken from the file
/// are shown with control and bidirectional characters escaped.
public enum InferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model file or its hyper-parameters are unusable.
    case model(ModelError)
    /// The tokenizer could not be built from the model's metadata.
    case tokenizer(TokenizerError)
    /// The model lacks a tensor its architecture needs.
    case missingTensor(String)
    /// A tensor has a type the engine cannot compute with.
    case unsupportedTensorType(tensor: String, type: String)
    /// A tensor's shape disagrees with the hyper-parameters.
    case tensorShape(tensor: String, expected: [Int], found: [Int])
    /// The model asks for a RoPE scaling the engine does not implement.
    case unsupportedRoPEScaling(String)
    /// The prompt does not fit in the context.
    case promptTooLong(tokens: Int, context: Int)
    /// Appending would pass the end of the context.
    case contextFull(context: Int)
    /// The KV cache for the requested context would not fit in memory.
    case contextTooLarge(requested: Int, bytesNeeded: Int, bytesAvailable: Int)
    /// A caller passed a value outside what the call accepts.
    case invalidArgument(String)
    /// A tensor's values are unusable (for example a RoPE frequency factor of zero).
    case invalidTensorValues(tensor: String, reason: String)
    /// The forward pass produced NaN or infinite logits: the weights or
    /// hyper-parameters are broken. Never handed to sampling (which would pick token 0).
    case nonFiniteLogits(position: Int)

    /// What went wrong and, where possible, what to do about it.
    public var description: String {
        switch self {
        case .model(let error):
            return error.description
        case .tokenizer(let error):
            return error.description
        case .missingTensor(let name):
            return "the model has no tensor '\(name.escapedForDisplay)'; the file is incomplete or not a supported architecture"
        case .unsupportedTensorType(let tensor, let type):
            return "tensor '\(tensor.escapedForDisplay)' has type \(type), which Ponder cannot compute with "
                + "(supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K); "
                + "requantize the model, e.g. to Q4_K_M"
        case .tensorShape(let tensor, let expected, let found):
            return "tensor '\(tensor.escapedForDisplay)' has shape \(found), expected \(expected)"
        case .unsupportedRoPEScaling(let kind):
            return "RoPE scaling '\(kind.escapedForDisplay)' is not supported (supported: none, linear)"
        case .promptTooLong(let tokens, let context):
            return "the prompt is \(tokens) tokens, longer than the context of \(context) tokens; "
                + "shorten it or raise --context"
        case .contextFull(let context):
            return "the context of \(context) tokens is full"
        case .contextTooLarge(let requested, let needed, let available):
            return "a context of \(requested) tokens needs \(needed / 1_048_576) MiB for its KV cache, "
                + "more than this machine's \(available / 1_048_576) MiB; choose a smaller --context"
        case .invalidArgument(let message):
            return message
        case .invalidTensorValues(let tensor, let reason):
            return "tensor '\(tensor.escapedForDisplay)' has unusable values: \(reason)"
        case .nonFiniteLogits(let position):
            return "the model computed NaN or infinite logits at position \(position): its weights or "
                + "hyper-parameters are broken; check the file against its published checksum or convert it again"
        }
    }
}
