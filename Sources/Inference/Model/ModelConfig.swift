/// The hyper-parameters of a llama-family transformer, read from GGUF metadata.
///
/// Keys are `<architecture>.<name>` (for example `llama.block_count`); the
/// architectures share the names, so one reader serves them all. The keys only some
/// architectures use (sliding-window attention, Phi-3's long-context RoPE) are read
/// by `ModelConfig+Architectures.swift`.
public struct ModelConfig: Codable, Sendable, Equatable {
    /// The architectures whose metadata this reader understands.
    public static let supportedArchitectures = ["llama", "qwen2", "qwen3", "phi3", "gemma3"]

    /// `general.architecture`, e.g. "llama" or "qwen2".
    public var architecture: String
    /// The context length the model was trained for.
    public var contextLength: Int
    /// Width of the residual stream (d_model).
    public var embeddingLength: Int
    /// Hidden width of the feed-forward block.
    public var feedForwardLength: Int
    /// Number of transformer blocks.
    public var blockCount: Int
    /// Number of query heads.
    public var headCount: Int
    /// Number of key/value heads (fewer than `headCount` with grouped-query attention).
    public var headCountKV: Int
    /// Width of one attention head.
    public var headDimension: Int
    /// How many dimensions of each head RoPE rotates.
    public var ropeDimensionCount: Int
    /// RoPE base frequency (theta).
    public var ropeFrequencyBase: Double
    /// RoPE scaling kind from `rope.scaling.type` ("linear", "yarn", …), if any.
    public var ropeScalingType: String?
    /// RoPE scaling factor, if any.
    public var ropeScalingFactor: Double?
    /// Epsilon of RMSNorm.
    public var rmsNormEpsilon: Double
    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int
    /// Keys within this many positions of a query (itself included) are visible to
    /// the sliding-window layers; `nil` when no layer has a window.
    public var slidingWindow: Int? = nil
    /// Which layers attend through the sliding window (empty: none). Gemma 3: five
    /// local layers, then one global.
    public var slidingWindowLayers: [Bool] = []
    /// RoPE base of the sliding-window layers (`rope.freq_base_swa`, 10,000 by default).
    public var ropeFrequencyBaseLocal: Double? = nil
    /// Multiplies RoPE's cosines and sines (`rope.scaling.attn_factor`, Phi-3 long context).
    public var ropeAttentionFactor: Double? = nil
    /// The context the model was trained with before RoPE scaling
    /// (`rope.scaling.original_context_length`): a longer context uses the long
    /// RoPE factors of Phi-3, a shorter one the short factors.
    public var ropeOriginalContextLength: Int? = nil
    /// Logits are squashed to ±this by tanh (`final_logit_softcapping`), if set.
    public var finalLogitSoftcapping: Double? = nil

    /// Memberwise initialiser, for tests and synthetic models.
    public init(
        architecture: String, contextLength: Int, embeddingLength: Int, feedForwardLength: Int,
        blockCount: Int, headCount: Int, headCountKV: Int, headDimension: Int,
        ropeDimensionCount: Int, ropeFrequencyBase: Double, ropeScalingType: String? = nil,
        ropeScalingFactor: Double? = nil, rmsNormEpsilon: Double, vocabularySize: Int
    ) {
        self.architecture = architecture
        self.contextLength = contextLength
        self.embeddingLength = embeddingLength
        self.feedForwardLength = feedForwardLength
        self.blockCount = blockCount
        self.headCount = headCount
        self.headCountKV = headCountKV
        self.headDimension = headDimension
        self.ropeDimensionCount = ropeDimensionCount
        self.ropeFrequencyBase = ropeFrequencyBase
        self.ropeScalingType = ropeScalingType
        self.ropeScalingFactor = ropeScalingFactor
        self.rmsNormEpsilon = rmsNormEpsilon
        self.vocabularySize = vocabularySize
    }

    /// Reads the hyper-parameters of `file`.
    /// - Throws: `ModelError.unsupportedArchitecture` for architectures other than
    ///   `supportedArchitectures`, a `ModelError.file` naming a missing or mistyped key,
    ///   or `ModelError.invalidHyperparameter` for a value `validate()` refuses.
    public init(file: GGUFFile) throws(ModelError) {
        do {
            let architecture = try file.requiredString("general.architecture")
            guard Self.supportedArchitectures.contains(architecture) else {
                throw ModelError.unsupportedArchitecture(architecture, supported: Self.supportedArchitectures)
            }
            func key(_ name: String) -> String { "\(architecture).\(name)" }

            let embedding = try file.requiredInteger(key("embedding_length"))
            let heads = try file.requiredInteger(key("attention.head_count"))
            let blocks = try file.requiredInteger(key("block_count"))
            // head_count_kv may be one number or one per layer; the engine needs one.
            var headsKV = heads
            if let perLayer = try? file.integerArray(key("attention.head_count_kv")) {
                guard let first = perLayer.first, perLayer.allSatisfy({ $0 == first }) else {
                    throw ModelError.invalidHyperparameter(
                        key: key("attention.head_count_kv"), reason: "differs between layers")
                }
                headsKV = first
            } else if let single = try file.integer(key("attention.head_count_kv")) {
                headsKV = single
            }
            guard embedding > 0 else {
                throw ModelError.invalidHyperparameter(key: key("embedding_length"), reason: "\(embedding) is not positive")
            }
            guard heads > 0 else {
                throw ModelError.invalidHyperparameter(key: key("attention.head_count"), reason: "\(heads) is not positive")
            }
            guard embedding % heads == 0 else {
                throw ModelError.invalidHyperparameter(
                    key: key("attention.head_count"),
                    reason: "\(heads) heads do not divide the embedding length \(embedding)")
            }
            guard headsKV > 0 else {
                throw ModelError.invalidHyperparameter(
                    key: key("attention.head_count_kv"), reason: "\(headsKV) is not positive")
            }
            guard heads % headsKV == 0 else {
                throw ModelError.invalidHyperparameter(
                    key: key("attention.head_count_kv"),
                    reason: "\(headsKV) key/value heads do not divide \(heads) query heads")
            }
            guard blocks > 0 else {
                throw ModelError.invalidHyperparameter(key: key("block_count"), reason: "\(blocks) is not positive")
            }
            let headDimension = try file.integer(key("attention.key_length")) ?? embedding / heads
            // The engine gives keys and values one width.
            if let valueLength = try file.integer(key("attention.value_length")), valueLength != headDimension {
                throw ModelError.invalidHyperparameter(
                    key: key("attention.value_length"),
                    reason: "\(valueLength) differs from the key length \(headDimension); Ponder needs them equal")
            }
            let tokenCount = file.metadata["tokenizer.ggml.tokens"]?.array?.count
            let vocabulary = try file.integer(key("vocab_size")) ?? tokenCount
            guard let vocabulary else { throw GGUFError.missingKey(key("vocab_size")) }

            self.init(
                architecture: architecture,
                contextLength: try file.requiredInteger(key("context_length")),
                embeddingLength: embedding,
                feedForwardLength: try file.requiredInteger(key("feed_forward_length")),
                blockCount: blocks,
                headCount: heads,
                headCountKV: headsKV,
                headDimension: headDimension,
                ropeDimensionCount: try file.integer(key("rope.dimension_count")) ?? headDimension,
                ropeFrequencyBase: try file.double(key("rope.freq_base")) ?? 10_000,
                ropeScalingType: try file.string(key("rope.scaling.type")),
                ropeScalingFactor: try file.double(key("rope.scaling.factor")),
                rmsNormEpsilon: try file.double(key("attention.layer_norm_rms_epsilon")) ?? 1e-5,
                vocabularySize: vocabulary)
            try readArchitectureKeys(file: file)
            try validate()
            if let tokenCount, tokenCount != vocabulary {
                throw ModelError.invalidHyperparameter(
                    key: key("vocab_size"),
                    reason: "\(vocabulary) differs from the \(tokenCount) tokens of tokenizer.ggml.tokens")
            }
        } catch let error as GGUFError {
            throw .file(error)
        } catch let error as ModelError {
            throw error
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }

    /// Parameter count of the weights implied by the shape (embeddings counted once).
    public var approximateParameterCount: Int {
        let attention = embeddingLength * headDimension * (headCount + 2 * headCountKV)
            + headCount * headDimension * embeddingLength
        let feedForward = 3 * embeddingLength * feedForwardLength
        return blockCount * (attention + feedForward) + vocabularySize * embeddingLength
    }
}
