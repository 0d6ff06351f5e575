import CKernels
import Inference

/// The training passes over a frozen transformer with LoRA pairs: token embedding,
/// the blocks, the final norm, the output projection and softmax cross-entropy on the
/// masked-in positions, then the same backwards down to the embeddings (which are
/// frozen, so the gradient stops there).
///
/// Memory: the residual stream is stored at every block's input (blocks × tokens ×
/// embedding floats); a block's other intermediates are recomputed from its input
/// just before its backward pass, in one set of buffers shared by all blocks. Logits
/// exist for `logitRows` positions at a time.
final class TrainingTransformer {
    let parameters: [TrainableTensor]
    let layers: [TrainingLayer]
    let frozen: FrozenTransformer
    let shape: TrainingShape
    let transformer: Transformer
    /// Positions whose logits are computed together (their rows of vocabulary floats).
    static let logitRows = 128

    init(model: Model, configuration: LoRAConfiguration, seed: UInt64) throws(TrainingError) {
        let config = model.config
        guard configuration.rank > 0 else { throw .invalidConfiguration("the rank must be at least 1; it is \(configuration.rank)") }
        guard configuration.alpha.isFinite, configuration.alpha > 0 else {
            throw .invalidConfiguration("alpha must be a positive number; it is \(configuration.alpha)")
        }
        guard !configuration.targets.isEmpty else {
            throw .invalidConfiguration("no target projections: name at least one of \(LoRATarget.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        do {
            frozen = try model.transformer.frozenWeights()
        } catch {
            switch error {
            case .unsupported: throw .unsupportedArchitecture(config.architecture, supported: Transformer.trainableArchitectures)
            }
        }
        transformer = model.transformer
        shape = TrainingShape(
            embedding: config.embeddingLength, feedForward: config.feedForwardLength, heads: config.headCount,
            keyValueHeads: config.headCountKV, headDimension: config.headDimension,
            ropeDimensions: config.ropeDimensionCount, rank: configuration.rank, vocabulary: config.vocabularySize,
            epsilon: Float(config.rmsNormEpsilon), attentionScale: frozen.attentionScale,
            interleavedRoPE: frozen.interleavedRoPE)

        var generator = SeededGenerator(seed: seed)
        var parameters: [TrainableTensor] = []
        var layers: [TrainingLayer] = []
        let rank = configuration.rank, scale = configuration.scale
        func linear(_ matrix: FrozenMatrix, _ target: LoRATarget, layer: Int, bias: [Float]? = nil) -> LoRALinear {
            guard configuration.targets.contains(target) else {
                return LoRALinear(weight: matrix, bias: bias, pair: nil, scale: scale, rank: rank)
            }
            let name = target.weightName(layer: layer)
            // PEFT's default: kaiming_uniform_(A, a=√5), i.e. U(−1/√in, 1/√in); B = 0.
            let bound = 1 / Float(matrix.columns).squareRoot()
            let a = TrainableTensor(
                name: name + ".lora_a", rows: rank, columns: matrix.columns,
                values: (0..<(rank * matrix.columns)).map { _ in Float.random(in: -bound..<bound, using: &generator) })
            let b = TrainableTensor(name: name + ".lora_b", rows: matrix.rows, columns: rank,
                                    values: [Float](repeating: 0, count: matrix.rows * rank))
            parameters += [a, b]
            return LoRALinear(weight: matrix, bias: bias, pair: (a, b), scale: scale, rank: rank)
        }
        for (index, layer) in frozen.layers.enumerated() {
            layers.append(TrainingLayer(
                attentionNorm: layer.attentionNorm,
                query: linear(layer.query, .q, layer: index, bias: layer.queryBias),
                key: linear(layer.key, .k, layer: index, bias: layer.keyBias),
                value: linear(layer.value, .v, layer: index, bias: layer.valueBias),
                output: linear(layer.attentionOutput, .o, layer: index),
                feedForwardNorm: layer.feedForwardNorm,
                gate: linear(layer.gate, .gate, layer: index),
                up: linear(layer.up, .up, layer: index),
                down: linear(layer.down, .down, layer: index)))
        }
        self.parameters = parameters
        self.layers = layers
    }

    private func check(_ tokens: [TokenID]) throws(TrainingError) {
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= shape.vocabulary }) {
            throw .tokenOutOfRange(Int(bad), vocabularySize: shape.vocabulary)
        }
    }

    /// The residual stream at every block's input and after the last: (blocks + 1) ×
    /// tokens × embedding floats.
    private func forwardBlocks(_ tokens: [TokenID], state: TrainingActivations) -> FloatBuffer {
        let width = tokens.count * shape.embedding
        let residuals = FloatBuffer((layers.count + 1) * width)
        for (t, token) in tokens.enumerated() {
            frozen.tokenEmbedding.dequantizeRow(Int(token), into: residuals.pointer + t * shape.embedding)
        }
        for (index, layer) in layers.enumerated() {
            layer.forward(residuals.pointer + index * width, into: residuals.pointer + (index + 1) * width, state: state)
        }
        return residuals
    }

    private func makeState(tokens: Int) -> TrainingActivations {
        TrainingActivations(
            shape: shape, tokens: tokens, pool: KernelPool(transformer: transformer),
            rope: transformer.ropeTables(count: tokens, contextLength: tokens))
    }

    func run(tokens: [TokenID], lossMask: [Bool], backward: Bool) throws(TrainingError) -> (lossSum: Double, count: Int) {
        guard tokens.count >= 2 else { throw .sequenceTooShort(tokens: tokens.count) }
        guard lossMask.count == tokens.count else { throw .maskLength(mask: lossMask.count, tokens: tokens.count) }
        try check(tokens)
        let positions = (0..<(tokens.count - 1)).filter { lossMask[$0] }
        guard !positions.isEmpty else { return (0, 0) }
        let state = makeState(tokens: tokens.count)
        let residuals = forwardBlocks(tokens, state: state)
        let width = tokens.count * shape.embedding
        let gradient = backward ? FloatBuffer(width) : nil
        let lossSum = head(
            final: residuals.pointer + layers.count * width, positions: positions,
            targets: positions.map { Int(tokens[$0 + 1]) }, gradient: gradient)
        guard lossSum.isFinite else { throw .nonFinite("the loss") }
        guard let gradient else { return (lossSum, positions.count) }
        for index in layers.indices.reversed() {
            let input = residuals.pointer + index * width
            // The buffers hold the last block's intermediates already; others are recomputed.
            if index != layers.count - 1 {
                layers[index].forward(input, into: state.projected.pointer, state: state)
                // `forward` wrote its output over `projected`; only the intermediates matter here.
            }
            layers[index].backward(input, gradient: gradient.pointer, state: state)
        }
        if ck_all_finite(gradient.pointer, Int64(width)) == 0 { throw .nonFinite("the gradients") }
        return (lossSum, positions.count)
    }

    /// The final norm, the output projection and cross-entropy at `positions`, whose
    /// next tokens are `targets`; with `gradient`, adds ∂loss/∂(final residual) into it.
    private func head(final x: UnsafeMutablePointer<Float>, positions: [Int], targets: [Int], gradient: FloatBuffer?) -> Double {
        let (embedding, vocabulary) = (shape.embedding, shape.vocabulary)
        let chunk = min(Self.logitRows, positions.count)
        let gathered = FloatBuffer(chunk * embedding), normalized = FloatBuffer(chunk * embedding)
        let logits = FloatBuffer(chunk * vocabulary)
        let dNormalized = FloatBuffer(chunk * embedding), dGathered = FloatBuffer(chunk * embedding)
        let pool = KernelPool(transformer: transformer)
        var lossSum = 0.0
        for start in stride(from: 0, to: positions.count, by: chunk) {
            let rows = min(chunk, positions.count - start)
            for r in 0..<rows {
                (gathered.pointer + r * embedding).update(from: x + positions[start + r] * embedding, count: embedding)
            }
            ck_rms_norm(gathered.pointer, frozen.outputNorm, normalized.pointer, Int64(rows), Int64(embedding), shape.epsilon)
            frozen.output.multiply(normalized.pointer, tokens: rows, into: logits.pointer)
            for r in 0..<rows {
                lossSum += ck_cross_entropy_row(logits.pointer + r * vocabulary, Int64(vocabulary), Int64(targets[start + r]), 1)
            }
            guard let gradient else { continue }
            dNormalized.zero(rows * embedding)
            pool.run {
                ck_pool_matmul_transposed(
                    $0, frozen.output.type, frozen.output.data, Int64(embedding), Int64(vocabulary), logits.pointer,
                    Int64(vocabulary), Int64(rows), dNormalized.pointer, Int64(embedding))
            }
            dGathered.zero(rows * embedding)
            ck_rms_norm_backward(gathered.pointer, frozen.outputNorm, dNormalized.pointer, dGathered.pointer, Int64(rows),
                                 Int64(embedding), shape.epsilon)
            for r in 0..<rows {
                ck_add(gradient.pointer + positions[start + r] * embedding, dGathered.pointer + r * embedding, Int64(embedding))
            }
        }
        return lossSum
    }

    func logits(tokens: [TokenID]) throws(TrainingError) -> [Float] {
        guard !tokens.isEmpty else { throw .sequenceTooShort(tokens: 0) }
        try check(tokens)
        let state = makeState(tokens: tokens.count)
        let residuals = forwardBlocks(tokens, state: state)
        let (embedding, vocabulary) = (shape.embedding, shape.vocabulary)
        let normalized = FloatBuffer(tokens.count * embedding)
        ck_rms_norm(residuals.pointer + layers.count * tokens.count * embedding, frozen.outputNorm, normalized.pointer,
                    Int64(tokens.count), Int64(embedding), shape.epsilon)
        return [Float](unsafeUninitializedCapacity: tokens.count * vocabulary) { buffer, initialized in
            frozen.output.multiply(normalized.pointer, tokens: tokens.count, into: buffer.baseAddress!)
            initialized = tokens.count * vocabulary
        }
    }
}
