/// Why a LoRA adapter cannot be read, written or applied. Every message names the
/// adapter file and, where there is one, the tensor; names taken from the file are
/// shown with control and bidirectional characters escaped.
public enum LoRAAdapterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not a readable GGUF file.
    case file(path: String, GGUFError)
    /// A metadata key the format requires is absent.
    case missingKey(path: String, key: String)
    /// A metadata key holds something other than what the format requires, e.g.
    /// `general.type` is `model` rather than `adapter`.
    case wrongValue(path: String, key: String, expected: String, found: String)
    /// The adapter was made for another architecture than the model's.
    case architectureMismatch(path: String, adapter: String, model: String)
    /// A tensor name is not `blk.N.<attn_q|attn_k|attn_v|attn_output|ffn_gate|ffn_up|ffn_down>.weight.lora_a|lora_b`.
    case unknownTensor(path: String, tensor: String)
    /// A block index beyond the model's blocks.
    case layerOutOfRange(path: String, tensor: String, layer: Int, blockCount: Int)
    /// One half of a pair is there, the other is not.
    case missingPartner(path: String, tensor: String, missing: String)
    /// A tensor's shape does not fit the model's matrix (GGML order: fastest first).
    case shapeMismatch(path: String, tensor: String, expected: [Int], found: [Int])
    /// `lora_a` and `lora_b` of one matrix disagree on the rank.
    case rankMismatch(path: String, tensor: String, a: Int, b: Int)
    /// A tensor is stored in a type other than F32 or F16.
    case unsupportedTensorType(path: String, tensor: String, type: String)
    /// A tensor holds NaN or an infinity.
    case nonFiniteValues(path: String, tensor: String)
    /// The model has no such matrix (for example a fused projection).
    case targetNotInModel(path: String, tensor: String)
    /// The same matrix appears twice.
    case duplicateTarget(path: String, tensor: String)
    /// The adapter file could not be written.
    case writeFailed(path: String, reason: String)

    /// What went wrong, where, and what to do about it.
    public var description: String {
        switch self {
        case .file(let path, let error):
            return "LoRA adapter '\(path.escapedForDisplay)' is not a readable GGUF file: \(error.description)"
        case .missingKey(let path, let key):
            return "LoRA adapter '\(path.escapedForDisplay)' has no '\(key)' key; is it an adapter converted for llama.cpp?"
        case .wrongValue(let path, let key, let expected, let found):
            return "LoRA adapter '\(path.escapedForDisplay)': '\(key)' is \(found.escapedForDisplay), expected \(expected)"
        case .architectureMismatch(let path, let adapter, let model):
            return "LoRA adapter '\(path.escapedForDisplay)' was made for the '\(adapter.escapedForDisplay)' architecture, "
                + "but the model is '\(model.escapedForDisplay)'; use the adapter with the model it was trained on"
        case .unknownTensor(let path, let tensor):
            return "LoRA adapter '\(path.escapedForDisplay)' has tensor '\(tensor.escapedForDisplay)', which is not "
                + "blk.N.<attn_q|attn_k|attn_v|attn_output|ffn_gate|ffn_up|ffn_down>.weight.lora_a or .lora_b"
        case .layerOutOfRange(let path, let tensor, let layer, let blockCount):
            return "LoRA adapter '\(path.escapedForDisplay)' tensor '\(tensor.escapedForDisplay)' is for block \(layer), "
                + "but the model has \(blockCount) blocks; use the adapter with the model it was trained on"
        case .missingPartner(let path, let tensor, let missing):
            return "LoRA adapter '\(path.escapedForDisplay)' has '\(tensor.escapedForDisplay)' without its partner '\(missing.escapedForDisplay)'"
        case .shapeMismatch(let path, let tensor, let expected, let found):
            return "LoRA adapter '\(path.escapedForDisplay)' tensor '\(tensor.escapedForDisplay)' has shape \(found), "
                + "expected \(expected) for this model; use the adapter with the model it was trained on"
        case .rankMismatch(let path, let tensor, let a, let b):
            return "LoRA adapter '\(path.escapedForDisplay)' pair '\(tensor.escapedForDisplay)' has rank \(a) in lora_a "
                + "but \(b) in lora_b"
        case .unsupportedTensorType(let path, let tensor, let type):
            return "LoRA adapter '\(path.escapedForDisplay)' tensor '\(tensor.escapedForDisplay)' has type \(type); "
                + "adapters must be F32 or F16"
        case .nonFiniteValues(let path, let tensor):
            return "LoRA adapter '\(path.escapedForDisplay)' tensor '\(tensor.escapedForDisplay)' holds NaN or infinite values"
        case .targetNotInModel(let path, let tensor):
            return "LoRA adapter '\(path.escapedForDisplay)' changes '\(tensor.escapedForDisplay)', which this model does not have"
        case .duplicateTarget(let path, let tensor):
            return "LoRA adapter '\(path.escapedForDisplay)' has two pairs for '\(tensor.escapedForDisplay)'"
        case .writeFailed(let path, let reason):
            return "cannot write LoRA adapter '\(path.escapedForDisplay)': \(reason)"
        }
    }
}
