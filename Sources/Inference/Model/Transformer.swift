import CKernels
import Foundation

/// A llama-family decoder (Llama 2/3, SmolLM2, Mistral-style, Qwen2, Qwen3, Phi-3,
/// Gemma 3): token embedding, blocks of RMSNorm → grouped-query attention with RoPE
/// → RMSNorm → gated feed-forward, each added to the residual stream, then RMSNorm
/// and the output projection to next-token logits. The variations (QK-norm, fused
/// projections, post-norms, GeGLU, sliding-window layers) are switched on by the
/// architecture's `ArchitectureTensors` entry.
public final class Transformer: @unchecked Sendable {
    /// The hyper-parameters the weights were checked against.
    public let config: ModelConfig
    /// Keeps the mapped weights alive.
    let file: GGUFFile
    let weights: TransformerWeights
    let ropeStyle: RoPEStyle
    /// The architecture's table entry: which variations of the block it uses.
    let names: ArchitectureTensors
    /// Multiplies positions before RoPE (linear scaling: 1 / factor).
    let positionScale: Double
    /// Tokens processed per pass of a long prompt: each weight is read once per pass.
    static let maximumBatch = 512

    /// Checks `config` (see `ModelConfig.validate()`), then locates and checks every
    /// weight of `file` against it.
    public init(file: GGUFFile, config: ModelConfig) throws(InferenceError) {
        do {
            try config.validate()
        } catch {
            throw .model(error)
        }
        guard let names = ArchitectureTensors.forArchitecture(config.architecture) else {
            throw .model(.unsupportedArchitecture(config.architecture, supported: ModelConfig.supportedArchitectures))
        }
        switch config.ropeScalingType {
        case nil, "none":
            positionScale = 1
        case "linear":
            positionScale = 1 / (config.ropeScalingFactor ?? 1)
        case let other?:
            throw .unsupportedRoPEScaling(other)
        }
        self.file = file
        self.config = config
        ropeStyle = names.ropeStyle
        self.names = names
        weights = try TransformerWeights(file: file, config: config, names: names)
    }

    /// Which positions of a pass need logits.
    public enum LogitsRequest: Sendable {
        /// Only the last token's (generation).
        case last
        /// Every token's (scoring a text, teacher forcing).
        case all
    }

    /// Runs `tokens` at the positions after those already in `cache`, appends their
    /// keys and values to it, and returns logits: one row of `vocabularySize`
    /// floats per requested position, concatenated.
    public func forward(_ tokens: [TokenID], cache: KVCache, logits request: LogitsRequest = .last) throws(InferenceError) -> [Float] {
        guard !tokens.isEmpty else { throw .invalidArgument("no tokens to process") }
        guard cache.count + tokens.count <= cache.capacity else {
            throw cache.count == 0
                ? .promptTooLong(tokens: tokens.count, context: cache.capacity)
                : .contextFull(context: cache.capacity)
        }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= config.vocabularySize }) {
            throw .invalidArgument("token id \(bad) is outside the vocabulary (0..<\(config.vocabularySize))")
        }
        var logits: [Float] = []
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + Self.maximumBatch)
            let isLast = end == tokens.count
            let rows: Range<Int>? = request == .all ? 0..<(end - start) : (isLast ? (end - start - 1)..<(end - start) : nil)
            logits += forwardBatch(Array(tokens[start..<end]), cache: cache, logitRows: rows)
            start = end
        }
        // Broken weights give NaN; sampling would read it as token 0 and carry on.
        if ck_all_finite(logits, Int64(logits.count)) == 0 {
            let row = logits.indices.first { !logits[$0].isFinite }! / config.vocabularySize
            let firstPosition = cache.count - tokens.count
            cache.truncate(to: firstPosition)
            throw .nonFiniteLogits(position: request == .all ? firstPosition + row : firstPosition + tokens.count - 1)
        }
        return logits
    }

    /// One pass over at most `maximumBatch` tokens.
    private func forwardBatch(_ tokens: [TokenID], cache: KVCache, logitRows: Range<Int>?) -> [Float] {
        let count = tokens.count
        let embedding = config.embeddingLength
        let headDimension = config.headDimension
        let queryWidth = config.headCount * headDimension
        let keyValueWidth = config.headCountKV * headDimension
        let feedForward = config.feedForwardLength
        let firstPosition = cache.count
        let fusedQKVWidth = queryWidth + 2 * keyValueWidth

        let scratch = ScratchBuffers(sizes: [
            count * embedding, count * embedding, count * embedding,  // residual, normalized, projected
            count * queryWidth, count * keyValueWidth, count * keyValueWidth, count * queryWidth,  // q, k, v, attention
            count * feedForward, count * feedForward,  // gate, up
            names.allowsFusedQKV ? count * fusedQKVWidth : 0,  // fused q|k|v
            names.fusedGateUp ? count * 2 * feedForward : 0,  // fused gate|up
        ])
        defer { scratch.release() }
        let (x, normalized, projected) = (scratch[0], scratch[1], scratch[2])
        let (q, k, v, attention) = (scratch[3], scratch[4], scratch[5], scratch[6])
        let (gate, up) = (scratch[7], scratch[8])
        let (fusedQKV, fusedGateUp) = (scratch[9], scratch[10])
        let activations = ActivationStore(maximumTokens: count)

        for (t, token) in tokens.enumerated() {
            weights.tokenEmbedding.dequantizeRow(Int(token), into: x + t * embedding)
        }
        if names.scalesEmbedding {
            Self.scale(x, by: Float(embedding).squareRoot(), count: count * embedding)
        }
        let positions = firstPosition..<(firstPosition + count)
        let rope = RotaryEmbedding(
            positions: positions, dimensions: config.ropeDimensionCount, base: config.ropeFrequencyBase,
            positionScale: positionScale, factors: ropeFactors(contextLength: cache.capacity),
            attentionFactor: config.ropeAttentionFactor ?? 1)
        // Sliding-window layers rotate with their own base and no scaling (Gemma 3).
        let localRope = config.slidingWindow == nil ? rope : RotaryEmbedding(
            positions: positions, dimensions: config.ropeDimensionCount,
            base: config.ropeFrequencyBaseLocal ?? config.ropeFrequencyBase, positionScale: 1, factors: nil)

        cache.prepareForWriting(positions)
        for (index, layer) in weights.layers.enumerated() {
            let isLocal = config.isSlidingWindowLayer(index)
            // Attention.
            Self.rmsNorm(x, weight: layer.attentionNorm, into: normalized, rows: count, width: embedding, epsilon: config.rmsNormEpsilon)
            activations.reset(input: normalized, columns: embedding, tokens: count)
            switch layer.projection {
            case let .separate(query, key, value):
                activations.multiply(query, into: q)
                activations.multiply(key, into: k)
                activations.multiply(value, into: v)
            case let .fused(matrix):
                activations.multiply(matrix, into: fusedQKV)
                Self.split(fusedQKV, rows: count, into: [(q, queryWidth), (k, keyValueWidth), (v, keyValueWidth)])
            }
            if let bias = layer.queryBias { Self.addBias(bias, to: q, rows: count) }
            if let bias = layer.keyBias { Self.addBias(bias, to: k, rows: count) }
            if let bias = layer.valueBias { Self.addBias(bias, to: v, rows: count) }
            if let norm = layer.queryNorm {
                Self.rmsNorm(q, weight: norm, into: q, rows: count * config.headCount, width: headDimension, epsilon: config.rmsNormEpsilon)
            }
            if let norm = layer.keyNorm {
                Self.rmsNorm(k, weight: norm, into: k, rows: count * config.headCountKV, width: headDimension, epsilon: config.rmsNormEpsilon)
            }
            let layerRope = isLocal ? localRope : rope
            layerRope.apply(to: q, heads: config.headCount, headDimension: headDimension, style: ropeStyle)
            layerRope.apply(to: k, heads: config.headCountKV, headDimension: headDimension, style: ropeStyle)
            if names.scalesQueries { Self.scale(q, by: attentionScale, count: count * queryWidth) }
            for t in 0..<count {
                ck_fp32_to_fp16_row(k + t * keyValueWidth, cache.keys(layer: index, position: firstPosition + t), Int64(keyValueWidth))
                ck_fp32_to_fp16_row(v + t * keyValueWidth, cache.values(layer: index, position: firstPosition + t), Int64(keyValueWidth))
            }
            if isLocal, let window = config.slidingWindow, firstPosition + count > window {
                attendWithinWindow(
                    window, queries: q, layer: index, cache: cache, firstPosition: firstPosition, tokens: count, into: attention)
            } else {
                attend(queries: q, layer: index, cache: cache, firstPosition: firstPosition, tokens: count, into: attention)
            }
            activations.reset(input: attention, columns: queryWidth, tokens: count)
            activations.multiply(layer.attentionOutput, into: projected)
            if let norm = layer.postAttentionNorm {
                Self.rmsNorm(projected, weight: norm, into: projected, rows: count, width: embedding, epsilon: config.rmsNormEpsilon)
            }
            Self.add(projected, to: x, count: count * embedding)

            // Feed-forward: down(act(gate(x)) * up(x)).
            Self.rmsNorm(x, weight: layer.feedForwardNorm, into: normalized, rows: count, width: embedding, epsilon: config.rmsNormEpsilon)
            activations.reset(input: normalized, columns: embedding, tokens: count)
            if let gateMatrix = layer.gate {
                activations.multiply(gateMatrix, into: gate)
                activations.multiply(layer.up, into: up)
            } else {
                activations.multiply(layer.up, into: fusedGateUp)
                Self.split(fusedGateUp, rows: count, into: [(gate, feedForward), (up, feedForward)])
            }
            switch names.activation {
            case .silu: ck_swiglu(gate, up, Int64(count * feedForward))
            case .geluTanh: Self.geglu(gate, up, count: count * feedForward)
            }
            activations.reset(input: gate, columns: feedForward, tokens: count)
            activations.multiply(layer.down, into: projected)
            if let norm = layer.postFeedForwardNorm {
                Self.rmsNorm(projected, weight: norm, into: projected, rows: count, width: embedding, epsilon: config.rmsNormEpsilon)
            }
            Self.add(projected, to: x, count: count * embedding)
        }
        cache.count = firstPosition + count

        guard let logitRows, !logitRows.isEmpty else { return [] }
        let rows = logitRows.count
        Self.rmsNorm(x + logitRows.lowerBound * embedding, weight: weights.outputNorm, into: normalized,
                     rows: rows, width: embedding, epsilon: config.rmsNormEpsilon)
        let vocabulary = config.vocabularySize
        var logits = [Float](unsafeUninitializedCapacity: rows * vocabulary) { buffer, initialized in
            activations.reset(input: normalized, columns: embedding, tokens: rows)
            activations.multiply(weights.output, into: buffer.baseAddress!)
            initialized = rows * vocabulary
        }
        if let cap = config.finalLogitSoftcapping { Self.softcap(&logits, cap: Float(cap)) }
        return logits
    }

    /// Causal grouped-query attention of every query head of every token.
    private func attend(
        queries: UnsafeMutablePointer<Float>, layer: Int, cache: KVCache, firstPosition: Int, tokens: Int,
        into output: UnsafeMutablePointer<Float>
    ) {
        let scale = names.scalesQueries ? 1 : attentionScale
        let pages = cache.pagePointers(layer: layer, positions: firstPosition + tokens)
        ComputePool.shared.withPool { pool in
            ck_pool_attention(
                pool, queries, pages.keys, pages.values, Int64(KVCache.pageSize), Int64(cache.keyValueWidth),
                Int64(config.headCount), Int64(config.headCountKV), Int64(config.headDimension),
                Int64(firstPosition), Int64(tokens), scale, output)
        }
    }

    // MARK: - Element-wise operations

    /// y = x / sqrt(mean(x²) + ε) · weight, row by row (the mean accumulated in double).
    static func rmsNorm(
        _ x: UnsafeMutablePointer<Float>, weight: [Float], into y: UnsafeMutablePointer<Float>,
        rows: Int, width: Int, epsilon: Double
    ) {
        ck_rms_norm(x, weight, y, Int64(rows), Int64(width), Float(epsilon))
    }

    static func addBias(_ bias: [Float], to x: UnsafeMutablePointer<Float>, rows: Int) {
        for row in 0..<rows {
            let base = x + row * bias.count
            for i in 0..<bias.count { base[i] += bias[i] }
        }
    }

    static func add(_ source: UnsafeMutablePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
        ck_add(destination, source, Int64(count))
    }
}
