/// The weight matrices of a transformer block a LoRA adapter can change, named as in
/// llama.cpp's adapter files (`blk.N.<tensorName>.weight.lora_a` / `.lora_b`).
public enum LoRATarget: String, CaseIterable, Sendable, Codable {
    /// Attention projections: queries, keys, values and the output.
    case q, k, v, o
    /// Feed-forward projections: gate, up and down.
    case gate, up, down

    /// The base tensor's name within a block: `attn_q`, `attn_k`, `attn_v`,
    /// `attn_output`, `ffn_gate`, `ffn_up`, `ffn_down`.
    public var tensorName: String {
        switch self {
        case .q: return "attn_q"
        case .k: return "attn_k"
        case .v: return "attn_v"
        case .o: return "attn_output"
        case .gate: return "ffn_gate"
        case .up: return "ffn_up"
        case .down: return "ffn_down"
        }
    }

    /// The full name of the base weight in `layer`, e.g. `blk.3.attn_q.weight`.
    public func weightName(layer: Int) -> String { "blk.\(layer).\(tensorName).weight" }

    /// The target whose base tensor is called `tensorName` (`attn_q` → `.q`).
    public init?(tensorName: String) {
        guard let target = Self.allCases.first(where: { $0.tensorName == tensorName }) else { return nil }
        self = target
    }

    /// The (input, output) widths of this matrix in a model with `config`: `W` maps
    /// `inputWidth` floats to `outputWidth`.
    public func widths(in config: ModelConfig) -> (input: Int, output: Int) {
        let queryWidth = config.headCount * config.headDimension
        let keyValueWidth = config.headCountKV * config.headDimension
        switch self {
        case .q: return (config.embeddingLength, queryWidth)
        case .k, .v: return (config.embeddingLength, keyValueWidth)
        case .o: return (queryWidth, config.embeddingLength)
        case .gate, .up: return (config.embeddingLength, config.feedForwardLength)
        case .down: return (config.feedForwardLength, config.embeddingLength)
        }
    }
}

/// The low-rank pair of one weight matrix: the matrix acts as `W + s·B·A`, where `s`
/// is the adapter's scale (see `LoRAAdapter.scale(rank:)`).
///
/// In the file `A` is the tensor `….lora_a` with GGML shape `[inputWidth, rank]` and
/// `B` is `….lora_b` with shape `[rank, outputWidth]`, as llama.cpp expects.
public struct LoRAWeights: Sendable, Equatable {
    /// The block the matrix belongs to.
    public var layer: Int
    /// Which matrix of the block.
    public var target: LoRATarget
    /// The inner dimension of the pair.
    public var rank: Int
    /// Length of the matrix's input (columns of `W` and `A`).
    public var inputWidth: Int
    /// Length of the matrix's output (rows of `W` and `B`).
    public var outputWidth: Int
    /// `rank` rows of `inputWidth` floats, row-major: `A·x` gives `rank` values.
    public var a: [Float]
    /// `outputWidth` rows of `rank` floats, row-major.
    public var b: [Float]

    /// A pair from its parts; `a.count` must be `rank·inputWidth` and `b.count`
    /// `outputWidth·rank` (checked by `LoRAAdapter.validate`, `load` and `write`).
    public init(layer: Int, target: LoRATarget, rank: Int, inputWidth: Int, outputWidth: Int, a: [Float], b: [Float]) {
        self.layer = layer
        self.target = target
        self.rank = rank
        self.inputWidth = inputWidth
        self.outputWidth = outputWidth
        self.a = a
        self.b = b
    }

    /// The base weight this pair changes, e.g. `blk.3.attn_q.weight`.
    public var weightName: String { target.weightName(layer: layer) }
}

/// A LoRA adapter: low-rank pairs for some weight matrices of a model, read from and
/// written to llama.cpp's adapter GGUF (`general.type = adapter`, `adapter.type = lora`,
/// `adapter.lora.alpha`), so adapters trained here load in llama.cpp and back.
public struct LoRAAdapter: Sendable, Equatable {
    /// The scale numerator: a pair of rank r is applied with `scale·alpha/r`; 0 means
    /// the user's scale alone (llama.cpp's convention).
    public var alpha: Float
    /// The pairs, at most one per (layer, target).
    public var weights: [LoRAWeights]
    /// The architecture of the model the adapter was made for (`general.architecture`).
    public var architecture: String
    /// The file it was loaded from, if any (for display).
    public var path: String?

    /// An adapter from its parts.
    public init(alpha: Float, weights: [LoRAWeights], architecture: String, path: String? = nil) {
        self.alpha = alpha
        self.weights = weights
        self.architecture = architecture
        self.path = path
    }

    /// The multiplier of `B·A` for a pair of `rank` applied with the user's `scale`:
    /// `scale·alpha/rank`, or `scale` when alpha is 0 (as llama.cpp computes it).
    public func scale(_ scale: Float, rank: Int) -> Float {
        alpha == 0 ? scale : scale * alpha / Float(rank)
    }

    /// The distinct ranks of the pairs, ascending (usually one).
    public var ranks: [Int] { Array(Set(weights.map(\.rank))).sorted() }

    /// The matrices the adapter changes, in `LoRATarget` order.
    public var targets: [LoRATarget] {
        let present = Set(weights.map(\.target))
        return LoRATarget.allCases.filter(present.contains)
    }
}
