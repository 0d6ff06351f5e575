/// Problems loading a model for inference or running it.
public enum InferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    case model(ModelError)
    case tokenizer(TokenizerError)
    case missingTensor(String)
    case unsupportedTensorType(tensor: String, type: String)
    case tensorShape(tensor: String, expected: [Int], found: [Int])
    case unsupportedRoPEScaling(String)
    case promptTooLong(tokens: Int, context: Int)
    case contextFull(context: Int)
    case contextTooLarge(requested: Int, bytesNeeded: Int, bytesAvailable: Int)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .model(let error):
            return error.description
        case .tokenizer(let error):
            return error.description
        case .missingTensor(let name):
            return "the model has no tensor '\(name)'; the file is incomplete or not a supported architecture"
        case .unsupportedTensorType(let tensor, let type):
            return "tensor '\(tensor)' has type \(type), which Ponder cannot compute with "
                + "(supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K); "
                + "requantize the model, e.g. to Q4_K_M"
        case .tensorShape(let tensor, let expected, let found):
            return "tensor '\(tensor)' has shape \(found), expected \(expected)"
        case .unsupportedRoPEScaling(let kind):
            return "RoPE scaling '\(kind)' is not supported (supported: none, linear)"
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
        }
    }
}
