import Foundation
import Inference
import Testing
@testable import Training

/// The training forward pass against the engine's, the LoRA update's effect, and the
/// adapter going out and back in.
struct TrainingForwardTests {
    /// Largest and mean |Δ| between two sets of logit rows, and the positions whose top
    /// tokens differ by more than a near-tie (`nearTie` apart in the engine's logits).
    static func compare(_ ours: [Float], _ engine: [Float], vocabulary: Int, nearTie: Float) -> (maximum: Float, mean: Float, disagreements: Int) {
        var maximum: Float = 0, total: Float = 0, disagreements = 0
        for start in stride(from: 0, to: engine.count, by: vocabulary) {
            let a = ours[start..<(start + vocabulary)], b = engine[start..<(start + vocabulary)]
            for (x, y) in zip(a, b) {
                maximum = max(maximum, abs(x - y))
                total += abs(x - y)
            }
            let top = b.indices.max { b[$0] < b[$1] }!, ourTop = a.indices.max { a[$0] < a[$1] }!
            if top != ourTop && b[top] - b[ourTop] > nearTie { disagreements += 1 }
        }
        return (maximum, total / Float(engine.count), disagreements)
    }

    static func engineLogits(_ model: Model, _ tokens: [TokenID]) throws -> [Float] {
        try model.transformer.forward(tokens, cache: try KVCache(config: model.config, capacity: tokens.count), logits: .all)
    }

    @Test("with B = 0 the training forward gives the engine's logits on the tiny float models",
          arguments: ["tiny-llama-f32.gguf", "tiny-qwen2-f16.gguf", "tiny-llama-tied-q4_0.gguf"])
    func tinyModelLogits(file: String) throws {
        let model = try TrainingFixtures.tinyModel(file)
        let training = try LoRATrainingModel(model: model, configuration: LoRAConfiguration(), seed: 1)
        let tokens: [TokenID] = [1, 17, 42, 99, 7, 230, 5, 64, 12, 180, 33, 71]
        let (maximum, _, disagreements) = Self.compare(
            try training.logits(tokens: tokens), try Self.engineLogits(model, tokens), vocabulary: model.config.vocabularySize, nearTie: 0.1)
        // Float weights and activations: only the engine's half-precision keys, values and
        // attention weights differ. Quantized (Q4_0): its activations are rounded to Q8_0 too.
        #expect(maximum < (file.contains("q4_0") ? 0.5 : 0.02), "\(file): largest logit difference \(maximum)")
        #expect(disagreements == 0)
    }

    @Test("with B = 0 the training forward gives the engine's logits on the default model")
    func defaultModelLogits() throws {
        let model = try Model(path: try TrainingFixtures.defaultModelPath)
        let training = try LoRATrainingModel(model: model, configuration: LoRAConfiguration(), seed: 1)
        let tokens = model.tokenizer.encode("The Ambery Spire stands in Vell, a city of glass and river fog.", addSpecial: true, parseSpecial: false)
        let (maximum, mean, disagreements) = Self.compare(
            try training.logits(tokens: tokens), try Self.engineLogits(model, tokens), vocabulary: model.config.vocabularySize, nearTie: 1)
        // Thirty blocks of activations rounded to Q8_1 amplify any difference: the engine's
        // own scalar and AVX-512 paths, which differ only in summation order, are 1.9 apart
        // at most and 0.18 on average on this text; the training pass (float attention
        // where the engine uses halves) measured 3.1 and 0.18.
        print("default model: max |Δ| \(maximum), mean |Δ| \(mean), top-token disagreements \(disagreements)")
        #expect(maximum < 4 && mean < 0.3, "largest logit difference \(maximum), mean \(mean)")
        #expect(disagreements == 0)
    }

    @Test("a few SGD steps on one sequence lower its loss")
    func overfitOneSequence() throws {
        let model = try TrainingFixtures.tinyModel("tiny-llama-q8_0.gguf")
        let training = try LoRATrainingModel(model: model, configuration: LoRAConfiguration(rank: 8, alpha: 16), seed: 3)
        let tokens: [TokenID] = [1, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50]
        let mask = [Bool](repeating: true, count: tokens.count)
        let (initial, count) = try training.loss(tokens: tokens, lossMask: mask)
        for _ in 0..<8 {
            training.zeroGradients()
            _ = try training.accumulateGradients(tokens: tokens, lossMask: mask)
            for tensor in training.parameters {
                for i in tensor.values.indices { tensor.values[i] -= 0.02 * tensor.gradients[i] / Float(count) }
            }
        }
        let (final, _) = try training.loss(tokens: tokens, lossMask: mask)
        #expect(final < 0.7 * initial, "mean loss \(initial / Double(count)) → \(final / Double(count))")
    }

    @Test("the adapter holds A and B under llama.cpp's names and loads back")
    func adapterRoundTrip() throws {
        let model = try TrainingFixtures.tinyModel("tiny-qwen2-q8_0.gguf")
        let configuration = LoRAConfiguration(rank: 2, alpha: 4, targets: [.q, .v, .down])
        let training = try LoRATrainingModel(model: model, configuration: configuration, seed: 5)
        #expect(training.parameters.map(\.name).prefix(2) == ["blk.0.attn_q.weight.lora_a", "blk.0.attn_q.weight.lora_b"])
        training.parameters[1].values[0] = 0.25
        let adapter = training.adapter()
        #expect(adapter.alpha == 4 && adapter.targets == [.q, .v, .down] && adapter.architecture == "qwen2")
        let other = try LoRATrainingModel(model: model, configuration: configuration, seed: 6)
        #expect(other.parameters[0].values != training.parameters[0].values)
        try other.load(adapter)
        #expect(other.parameters.map(\.values) == training.parameters.map(\.values))
        let mismatched = try LoRATrainingModel(model: model, configuration: LoRAConfiguration(rank: 2, alpha: 4, targets: [.q]), seed: 6)
        #expect(throws: TrainingError.self) { try mismatched.load(adapter) }
    }

    @Test("bad input is refused with a typed error")
    func refusals() throws {
        let model = try TrainingFixtures.tinyModel("tiny-llama-q8_0.gguf")
        #expect(throws: TrainingError.invalidConfiguration("the rank must be at least 1; it is 0")) {
            try LoRATrainingModel(model: model, configuration: LoRAConfiguration(rank: 0), seed: 1)
        }
        let training = try LoRATrainingModel(model: model, configuration: LoRAConfiguration(rank: 2), seed: 1)
        #expect(throws: TrainingError.sequenceTooShort(tokens: 1)) { try training.loss(tokens: [1], lossMask: [true]) }
        #expect(throws: TrainingError.maskLength(mask: 1, tokens: 2)) { try training.loss(tokens: [1, 2], lossMask: [true]) }
        #expect(throws: TrainingError.tokenOutOfRange(100_000, vocabularySize: model.config.vocabularySize)) {
            try training.loss(tokens: [1, 100_000], lossMask: [true, true])
        }
        let gemma = try TrainingFixtures.tinyModel("tiny-gemma3-q4_k_m.gguf")
        #expect(throws: TrainingError.self) { try LoRATrainingModel(model: gemma, configuration: LoRAConfiguration(), seed: 1) }
    }
}
