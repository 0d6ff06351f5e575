import Inference

/// The shape of the low-rank update y = W x + (alpha / rank) · B (A x).
public struct LoRAConfiguration: Sendable, Equatable {
    /// The inner width r of A (r × in) and B (out × r).
    public var rank: Int = 16
    /// The update is scaled by alpha / rank.
    public var alpha: Float = 32
    /// The projections that get an A and a B (all seven by default).
    public var targets: Set<LoRATarget> = Set(LoRATarget.allCases)

    /// The default configuration, or the given settings.
    public init(rank: Int = 16, alpha: Float = 32, targets: Set<LoRATarget> = Set(LoRATarget.allCases)) {
        self.rank = rank
        self.alpha = alpha
        self.targets = targets
    }

    /// alpha / rank, the factor of B (A x).
    public var scale: Float { alpha / Float(rank) }
}

/// One trainable matrix: its values, and the gradients the backward passes add into.
/// The optimiser updates `values` in place; the model reads them at the next pass.
public final class TrainableTensor {
    /// The tensor's name in llama.cpp's adapter format, e.g. `blk.3.attn_q.weight.lora_a`.
    public let name: String
    /// Rows and columns (row-major): A is rank × in, B is out × rank.
    public let rows: Int, columns: Int
    /// The weights, `rows × columns` floats.
    public var values: [Float]
    /// ∂(summed loss)/∂values, accumulated since the last `zeroGradients()`.
    public var gradients: [Float]

    /// A tensor of `rows × columns` given values and zero gradients.
    public init(name: String, rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "\(name): \(values.count) values for \(rows) × \(columns)")
        self.name = name
        self.rows = rows
        self.columns = columns
        self.values = values
        gradients = [Float](repeating: 0, count: rows * columns)
    }
}

/// A frozen model with trainable LoRA matrices on its projections: forward and
/// backward passes over one token sequence at a time, in floats, reading the base
/// weights in their quantized form. Gradients are those of the summed cross-entropy
/// (divide by the count for a mean) and accumulate across calls until zeroed.
///
/// Not thread-safe: one pass at a time (the passes use the engine's worker threads).
public final class LoRATrainingModel {
    /// The model whose weights stay frozen.
    public let model: Model
    /// Rank, alpha and targets.
    public let configuration: LoRAConfiguration
    let engine: TrainingTransformer

    /// Adds LoRA matrices to `model`: A drawn Kaiming-uniform (as PEFT does) from a
    /// generator seeded with `seed`, B zero, so the model starts as the base model.
    public init(model: Model, configuration: LoRAConfiguration, seed: UInt64) throws(TrainingError) {
        self.model = model
        self.configuration = configuration
        engine = try TrainingTransformer(model: model, configuration: configuration, seed: seed)
    }

    /// Forward and backward over one sequence: adds the gradients of its summed loss
    /// into `parameters` and returns that sum and the number of positions it covers.
    /// `lossMask[i]` says whether position i's prediction of `tokens[i + 1]` counts
    /// (the last entry is ignored: nothing follows the last token).
    public func accumulateGradients(tokens: [TokenID], lossMask: [Bool]) throws(TrainingError) -> (lossSum: Double, count: Int) {
        try engine.run(tokens: tokens, lossMask: lossMask, backward: true)
    }

    /// The forward pass only (validation): the summed loss over the masked-in positions
    /// and how many there are.
    public func loss(tokens: [TokenID], lossMask: [Bool]) throws(TrainingError) -> (lossSum: Double, count: Int) {
        try engine.run(tokens: tokens, lossMask: lossMask, backward: false)
    }

    /// Every A and B, layer by layer (A before B, targets in q, k, v, o, gate, up, down order).
    public var parameters: [TrainableTensor] { engine.parameters }

    /// Sets every gradient to zero.
    public func zeroGradients() {
        for tensor in engine.parameters {
            tensor.gradients.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
    }

    /// The current A and B of every target, as an adapter to write (alpha as configured).
    public func adapter() -> LoRAAdapter {
        engine.adapter(alpha: configuration.alpha, architecture: model.config.architecture)
    }

    /// Replaces the values of A and B with those of `adapter` (resuming from a
    /// checkpoint). The adapter must hold exactly this model's targets, ranks and widths.
    public func load(_ adapter: LoRAAdapter) throws(TrainingError) {
        try engine.load(adapter)
    }

    /// The logits the LoRA model gives at every position of `tokens` (rows of
    /// `vocabularySize` floats), for checks against the engine.
    public func logits(tokens: [TokenID]) throws(TrainingError) -> [Float] {
        try engine.logits(tokens: tokens)
    }
}
