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
        /// None (a part of a prompt whose continuation comes in a later pass).
        case none
    }

    /// One sequence's tokens in a batched pass (`forward(_:)`).
    public struct ForwardSegment {
        /// The tokens to run, at the positions after those already in `cache`.
        public var tokens: [TokenID]
        /// The sequence's own KV cache, which the pass extends.
        public var cache: KVCache
        /// Which of its positions need logits.
        public var logits: LogitsRequest

        /// `tokens` to run after `cache`'s contents, returning the `logits` asked for.
        public init(tokens: [TokenID], cache: KVCache, logits: LogitsRequest = .last) {
            self.tokens = tokens
            self.cache = cache
            self.logits = logits
        }
    }

    /// Runs `tokens` at the positions after those already in `cache`, appends their
    /// keys and values to it, and returns logits: one row of `vocabularySize`
    /// floats per requested position, concatenated.
    public func forward(_ tokens: [TokenID], cache: KVCache, logits request: LogitsRequest = .last) throws(InferenceError) -> [Float] {
        try forward([ForwardSegment(tokens: tokens, cache: cache, logits: request)])[0].get()
    }

    /// Runs several sequences' tokens in the same passes: each weight matrix is applied
    /// once to the rows of all of them, while RoPE, the KV cache and attention are each
    /// sequence's own. Returns each segment's logits (as `forward(_:cache:logits:)`
    /// does) or its error; a segment that fails leaves its cache as it was and does
    /// not stop the others. The caches must be distinct objects.
    public func forward(_ segments: [ForwardSegment]) -> [Result<[Float], InferenceError>] {
        var results = [Result<[Float], InferenceError>](repeating: .success([]), count: segments.count)
        var pending: [Int] = []
        var seenCaches = Set<ObjectIdentifier>()
        for (index, segment) in segments.enumerated() {
            if let problem = check(segment) {
                results[index] = .failure(problem)
            } else if !seenCaches.insert(ObjectIdentifier(segment.cache)).inserted {
                results[index] = .failure(.invalidArgument("two sequences of one batch share a KV cache"))
            } else {
                pending.append(index)
            }
        }
        let startCounts = segments.map(\.cache.count)
        var done = [Int](repeating: 0, count: segments.count)
        var logits = [[Float]](repeating: [], count: segments.count)
        // Each pass takes up to `maximumBatch` rows, every sequence's next tokens in
        // turn; a long prompt continues in the passes after.
        while !pending.isEmpty {
            var pieces: [Piece] = []
            var rows = 0
            for index in pending where rows < Self.maximumBatch {
                let segment = segments[index]
                let take = min(segment.tokens.count - done[index], Self.maximumBatch - rows)
                let isLast = done[index] + take == segment.tokens.count
                let logitRows: Range<Int>? = switch segment.logits {
                case .all: 0..<take
                case .last: isLast ? (take - 1)..<take : nil
                case .none: nil
                }
                pieces.append(Piece(
                    segment: index, tokens: Array(segment.tokens[done[index]..<(done[index] + take)]), cache: segment.cache,
                    firstRow: rows, logitRows: logitRows))
                rows += take
                done[index] += take
            }
            let passLogits = forwardPass(pieces)
            for (piece, rows) in zip(pieces, passLogits) { logits[piece.segment] += rows }
            pending.removeAll { done[$0] == segments[$0].tokens.count }
        }
        for index in segments.indices {
            guard case .success = results[index] else { continue }
            // Broken weights give NaN; sampling would read it as token 0 and carry on.
            let rows = logits[index]
            guard ck_all_finite(rows, Int64(rows.count)) == 0 else {
                results[index] = .success(rows)
                continue
            }
            let row = rows.indices.first { !rows[$0].isFinite }! / config.vocabularySize
            let firstPosition = startCounts[index]
            let segment = segments[index]
            segment.cache.truncate(to: firstPosition)
            results[index] = .failure(.nonFiniteLogits(
                position: segment.logits == .all ? firstPosition + row : firstPosition + segment.tokens.count - 1))
        }
        return results
    }

    /// Why `segment` cannot run, if it cannot.
    private func check(_ segment: ForwardSegment) -> InferenceError? {
        let (tokens, cache) = (segment.tokens, segment.cache)
        guard !tokens.isEmpty else { return .invalidArgument("no tokens to process") }
        guard cache.count + tokens.count <= cache.capacity else {
            return cache.count == 0
                ? .promptTooLong(tokens: tokens.count, context: cache.capacity)
                : .contextFull(context: cache.capacity)
        }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= config.vocabularySize }) {
            return .invalidArgument("token id \(bad) is outside the vocabulary (0..<\(config.vocabularySize))")
        }
        return nil
    }

    /// A sequence's share of one pass: its rows are `firstRow ..< firstRow + tokens.count`.
    private struct Piece {
        let segment: Int
        let tokens: [TokenID]
        let cache: KVCache
        let firstRow: Int
        /// Which of its rows need logits.
        let logitRows: Range<Int>?
        var rows: Range<Int> { firstRow..<(firstRow + tokens.count) }
    }

    /// One pass over at most `maximumBatch` rows; each piece's logits rows.
    private func forwardPass(_ pieces: [Piece]) -> [[Float]] {
        let count = pieces.reduce(0) { $0 + $1.tokens.count }
        let embedding = config.embeddingLength
        let headDimension = config.headDimension
        let queryWidth = config.headCount * headDimension
        let keyValueWidth = config.headCountKV * headDimension
        let feedForward = config.feedForwardLength
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

        for piece in pieces {
            for (t, token) in piece.tokens.enumerated() {
                weights.tokenEmbedding.dequantizeRow(Int(token), into: x + (piece.firstRow + t) * embedding)
            }
        }
        if names.scalesEmbedding {
            Self.scale(x, by: Float(embedding).squareRoot(), count: count * embedding)
        }
        // Each sequence rotates by its own positions.
        let ropes = pieces.map { piece in
            let positions = piece.cache.count..<(piece.cache.count + piece.tokens.count)
            let rope = RotaryEmbedding(
                positions: positions, dimensions: config.ropeDimensionCount, base: config.ropeFrequencyBase,
                positionScale: positionScale, factors: ropeFactors(contextLength: piece.cache.capacity),
                attentionFactor: config.ropeAttentionFactor ?? 1)
            // Sliding-window layers rotate with their own base and no scaling (Gemma 3).
            let localRope = config.slidingWindow == nil ? rope : RotaryEmbedding(
                positions: positions, dimensions: config.ropeDimensionCount,
                base: config.ropeFrequencyBaseLocal ?? config.ropeFrequencyBase, positionScale: 1, factors: nil)
            return (global: rope, local: localRope)
        }
        for piece in pieces {
            piece.cache.prepareForWriting(piece.cache.count..<(piece.cache.count + piece.tokens.count))
        }
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
            for (piece, rope) in zip(pieces, ropes) {
                let layerRope = isLocal ? rope.local : rope.global
                layerRope.apply(to: q + piece.firstRow * queryWidth, heads: config.headCount, headDimension: headDimension, style: ropeStyle)
                layerRope.apply(to: k + piece.firstRow * keyValueWidth, heads: config.headCountKV, headDimension: headDimension, style: ropeStyle)
            }
            if names.scalesQueries { Self.scale(q, by: attentionScale, count: count * queryWidth) }
            for piece in pieces {
                let (cache, firstPosition) = (piece.cache, piece.cache.count)
                for t in 0..<piece.tokens.count {
                    let row = piece.firstRow + t
                    ck_fp32_to_fp16_row(k + row * keyValueWidth, cache.keys(layer: index, position: firstPosition + t), Int64(keyValueWidth))
                    ck_fp32_to_fp16_row(v + row * keyValueWidth, cache.values(layer: index, position: firstPosition + t), Int64(keyValueWidth))
                }
                let (queries, output) = (q + piece.firstRow * queryWidth, attention + piece.firstRow * queryWidth)
                if isLocal, let window = config.slidingWindow, firstPosition + piece.tokens.count > window {
                    attendWithinWindow(
                        window, queries: queries, layer: index, cache: cache, firstPosition: firstPosition,
                        tokens: piece.tokens.count, into: output)
                } else {
                    attend(queries: queries, layer: index, cache: cache, firstPosition: firstPosition, tokens: piece.tokens.count, into: output)
                }
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
        for piece in pieces { piece.cache.count += piece.tokens.count }
        return outputLogits(x, pieces: pieces, activations: activations, into: normalized)
    }

    /// The logits of the rows the pieces ask for, computed in one product: those rows
    /// of the residual stream are normalized side by side into `normalized`.
    private func outputLogits(
        _ x: UnsafeMutablePointer<Float>, pieces: [Piece], activations: ActivationStore, into normalized: UnsafeMutablePointer<Float>
    ) -> [[Float]] {
        let embedding = config.embeddingLength
        var rows = 0
        for piece in pieces {
            guard let logitRows = piece.logitRows, !logitRows.isEmpty else { continue }
            Self.rmsNorm(x + (piece.firstRow + logitRows.lowerBound) * embedding, weight: weights.outputNorm,
                         into: normalized + rows * embedding, rows: logitRows.count, width: embedding, epsilon: config.rmsNormEpsilon)
            rows += logitRows.count
        }
        guard rows > 0 else { return pieces.map { _ in [] } }
        let vocabulary = config.vocabularySize
        var all = [Float](unsafeUninitializedCapacity: rows * vocabulary) { buffer, initialized in
            activations.reset(input: normalized, columns: embedding, tokens: rows)
            activations.multiply(weights.output, into: buffer.baseAddress!)
            initialized = rows * vocabulary
        }
        if let cap = config.finalLogitSoftcapping { Self.softcap(&all, cap: Float(cap)) }
        var start = 0
        return pieces.map { piece in
            let count = piece.logitRows?.count ?? 0
            defer { start += count }
            return Array(all[(start * vocabulary)..<((start + count) * vocabulary)])
        }
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
