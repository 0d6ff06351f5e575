/// How rotary position embeddings pair up the dimensions of a head.
public enum RoPEStyle: String, Sendable, Codable {
    /// Adjacent pairs (x[2i], x[2i+1]): llama-architecture GGUFs (the converter
    /// permutes Q and K into this order).
    case interleaved
    /// Halves (x[i], x[i + d/2]): GPT-NeoX order, used by Qwen2.
    case neox
}

/// Where each weight of a llama-family transformer lives in a GGUF file, and the
/// per-architecture facts the math needs. Kept apart from the math so that a new
/// architecture is a new table entry, not a new `switch` in every function.
struct ArchitectureTensors: Sendable {
    let ropeStyle: RoPEStyle
    /// Whether Q/K/V biases must be present (Qwen2) rather than merely allowed.
    let requiresQKVBias: Bool

    static func forArchitecture(_ name: String) -> ArchitectureTensors? {
        switch name {
        case "llama": return ArchitectureTensors(ropeStyle: .interleaved, requiresQKVBias: false)
        case "qwen2": return ArchitectureTensors(ropeStyle: .neox, requiresQKVBias: true)
        default: return nil
        }
    }

    let tokenEmbedding = "token_embd.weight"
    let outputNorm = "output_norm.weight"
    /// Absent when the output projection is tied to the token embedding.
    let output = "output.weight"
    /// Per-dimension RoPE frequency divisors (Llama 3.1+), optional.
    let ropeFrequencies = "rope_freqs.weight"

    func attentionNorm(_ layer: Int) -> String { "blk.\(layer).attn_norm.weight" }
    func query(_ layer: Int) -> String { "blk.\(layer).attn_q.weight" }
    func key(_ layer: Int) -> String { "blk.\(layer).attn_k.weight" }
    func value(_ layer: Int) -> String { "blk.\(layer).attn_v.weight" }
    func queryBias(_ layer: Int) -> String { "blk.\(layer).attn_q.bias" }
    func keyBias(_ layer: Int) -> String { "blk.\(layer).attn_k.bias" }
    func valueBias(_ layer: Int) -> String { "blk.\(layer).attn_v.bias" }
    func attentionOutput(_ layer: Int) -> String { "blk.\(layer).attn_output.weight" }
    func feedForwardNorm(_ layer: Int) -> String { "blk.\(layer).ffn_norm.weight" }
    func gate(_ layer: Int) -> String { "blk.\(layer).ffn_gate.weight" }
    func up(_ layer: Int) -> String { "blk.\(layer).ffn_up.weight" }
    func down(_ layer: Int) -> String { "blk.\(layer).ffn_down.weight" }
}
