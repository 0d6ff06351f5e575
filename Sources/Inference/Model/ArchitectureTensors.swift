/// How rotary position embeddings pair up the dimensions of a head.
public enum RoPEStyle: String, Sendable, Codable {
    /// Adjacent pairs (x[2i], x[2i+1]): llama-architecture GGUFs (the converter
    /// permutes Q and K into this order).
    case interleaved
    /// Halves (x[i], x[i + d/2]): GPT-NeoX order, used by Qwen2.
    case neox
}

/// The gated feed-forward's activation.
enum FeedForwardActivation: Sendable {
    /// silu(gate) · up (SwiGLU).
    case silu
    /// gelu(gate) · up with GELU's tanh approximation (GeGLU, Gemma).
    case geluTanh
}

/// Where each weight of a llama-family transformer lives in a GGUF file, and the
/// per-architecture facts the math needs. Kept apart from the math so that a new
/// architecture is a new table entry, not a new `switch` in every function.
struct ArchitectureTensors: Sendable {
    let ropeStyle: RoPEStyle
    /// Whether Q/K/V biases must be present (Qwen2) rather than merely allowed.
    var requiresQKVBias = false
    /// Whether Q and K are RMS-normalized per head before RoPE (Qwen3, Gemma 3).
    var hasQKNorm = false
    /// Whether Q, K and V may come as one fused `attn_qkv` matrix (Phi-3).
    var allowsFusedQKV = false
    /// Whether `ffn_up` holds the gate rows, then the up rows, and there is no
    /// `ffn_gate` (Phi-3).
    var fusedGateUp = false
    /// Whether attention and feed-forward outputs are RMS-normalized again before
    /// they join the residual stream (Gemma 3).
    var hasPostNorms = false
    var activation = FeedForwardActivation.silu
    /// Whether token embeddings are multiplied by √d_model (Gemma).
    var scalesEmbedding = false
    /// Every n-th layer global, the others sliding-window, unless the file says
    /// otherwise; `nil` for architectures without sliding-window attention.
    var defaultSlidingWindowPattern: Int? = nil
    /// Whether per-layer Phi-3 long/short RoPE factors may be present.
    var allowsLongRoPE = false
    /// Whether queries are multiplied by the attention scale before they meet the
    /// keys (Phi-3, Gemma 3: the product is then rounded to a half), rather than
    /// the scores after.
    var scalesQueries = false

    static func forArchitecture(_ name: String) -> ArchitectureTensors? {
        switch name {
        case "llama": return ArchitectureTensors(ropeStyle: .interleaved)
        case "qwen2": return ArchitectureTensors(ropeStyle: .neox, requiresQKVBias: true)
        case "qwen3": return ArchitectureTensors(ropeStyle: .neox, hasQKNorm: true)
        case "phi3":
            return ArchitectureTensors(
                ropeStyle: .neox, allowsFusedQKV: true, fusedGateUp: true, allowsLongRoPE: true, scalesQueries: true)
        case "gemma3":
            return ArchitectureTensors(
                ropeStyle: .neox, hasQKNorm: true, hasPostNorms: true, activation: .geluTanh, scalesEmbedding: true,
                defaultSlidingWindowPattern: 6, scalesQueries: true)
        default: return nil
        }
    }

    let tokenEmbedding = "token_embd.weight"
    let outputNorm = "output_norm.weight"
    /// Absent when the output projection is tied to the token embedding.
    let output = "output.weight"
    /// Per-dimension RoPE frequency divisors (Llama 3.1+), optional.
    let ropeFrequencies = "rope_freqs.weight"

    /// Phi-3's RoPE frequency divisors for contexts beyond the original one, and within it.
    let ropeFactorsLong = "rope_factors_long.weight"
    let ropeFactorsShort = "rope_factors_short.weight"

    func attentionNorm(_ layer: Int) -> String { "blk.\(layer).attn_norm.weight" }
    func fusedQKV(_ layer: Int) -> String { "blk.\(layer).attn_qkv.weight" }
    func queryNorm(_ layer: Int) -> String { "blk.\(layer).attn_q_norm.weight" }
    func keyNorm(_ layer: Int) -> String { "blk.\(layer).attn_k_norm.weight" }
    func postAttentionNorm(_ layer: Int) -> String { "blk.\(layer).post_attention_norm.weight" }
    func postFeedForwardNorm(_ layer: Int) -> String { "blk.\(layer).post_ffw_norm.weight" }
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
