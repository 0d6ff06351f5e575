/// The checks every hyper-parameter passes before anything is sized from it.
///
/// A model file is untrusted input: its numbers size buffers, loop bounds and
/// allocations in the forward pass. Each count and width must be positive and below
/// a ceiling far above any published model (so products of two never overflow), the
/// RoPE dimensions must fit in a head, and the floating-point parameters must be
/// finite and positive. Agreement with the tensors is checked when the weights are
/// located (`TransformerWeights`); agreement with the vocabulary by `Model`.
extension ModelConfig {
    /// Upper bounds on sizes read from a file, far above any published model.
    public enum Limits {
        /// Widths: the residual stream, the feed-forward block, one head (largest
        /// published: 16,384, 53,248 and 576).
        public static let width = 1 << 20
        /// Transformer blocks (largest published: 126).
        public static let blocks = 4096
        /// Query or key/value heads (largest published: 128).
        public static let heads = 4096
        /// Tokens in the vocabulary (largest published: 262,144).
        public static let vocabulary = 1 << 24
        /// Trained context length (largest published: 10,485,760).
        public static let context = 1 << 30
    }

    /// Checks every hyper-parameter.
    /// - Throws: `ModelError.invalidHyperparameter` naming the GGUF key, the value and
    ///   what would be valid.
    public func validate() throws(ModelError) {
        func key(_ name: String) -> String { "\(architecture).\(name)" }
        func count(_ value: Int, _ name: String, atMost limit: Int) throws(ModelError) {
            guard value > 0 else {
                throw .invalidHyperparameter(key: key(name), reason: "\(value) is not positive")
            }
            guard value <= limit else {
                throw .invalidHyperparameter(
                    key: key(name), reason: "\(value) is larger than Ponder accepts (at most \(limit))")
            }
        }
        func positiveFinite(_ value: Double, _ name: String) throws(ModelError) {
            guard value.isFinite, value > 0 else {
                throw .invalidHyperparameter(key: key(name), reason: "\(value) is not a finite positive number")
            }
        }

        try count(contextLength, "context_length", atMost: Limits.context)
        try count(embeddingLength, "embedding_length", atMost: Limits.width)
        try count(feedForwardLength, "feed_forward_length", atMost: Limits.width)
        try count(blockCount, "block_count", atMost: Limits.blocks)
        try count(headCount, "attention.head_count", atMost: Limits.heads)
        try count(headCountKV, "attention.head_count_kv", atMost: Limits.heads)
        try count(headDimension, "attention.key_length", atMost: Limits.width)
        try count(vocabularySize, "vocab_size", atMost: Limits.vocabulary)
        guard headCount % headCountKV == 0 else {
            throw .invalidHyperparameter(
                key: key("attention.head_count_kv"),
                reason: "\(headCountKV) key/value heads do not divide \(headCount) query heads")
        }
        // RoPE rotates pairs of dimensions within each head.
        guard ropeDimensionCount > 0, ropeDimensionCount % 2 == 0, ropeDimensionCount <= headDimension else {
            throw .invalidHyperparameter(
                key: key("rope.dimension_count"),
                reason: "\(ropeDimensionCount) must be even and between 2 and the head dimension \(headDimension)")
        }
        try positiveFinite(ropeFrequencyBase, "rope.freq_base")
        if let ropeScalingFactor { try positiveFinite(ropeScalingFactor, "rope.scaling.factor") }
        if let slidingWindow { try count(slidingWindow, "attention.sliding_window", atMost: Limits.context) }
        if let ropeFrequencyBaseLocal { try positiveFinite(ropeFrequencyBaseLocal, "rope.freq_base_swa") }
        if let ropeAttentionFactor { try positiveFinite(ropeAttentionFactor, "rope.scaling.attn_factor") }
        if let ropeOriginalContextLength {
            try count(ropeOriginalContextLength, "rope.scaling.original_context_length", atMost: Limits.context)
        }
        if let finalLogitSoftcapping { try positiveFinite(finalLogitSoftcapping, "final_logit_softcapping") }
        // The kernels add epsilon as a Float: it must survive the conversion.
        try positiveFinite(Double(Float(rmsNormEpsilon)), "attention.layer_norm_rms_epsilon")
    }
}
