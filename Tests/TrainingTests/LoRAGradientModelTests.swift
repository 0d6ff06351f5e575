import CKernels
import Foundation
import Inference
import Testing
@testable import Training

/// Locations of the tiny fixture models and the default model.
enum TrainingFixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func tinyModel(_ name: String) throws -> Model {
        try Model(path: repositoryRoot.appendingPathComponent("Tests/InferenceTests/Fixtures/forward/\(name)").path)
    }

    static var defaultModelPath: String {
        get throws {
            let path = repositoryRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
            try #require(FileManager.default.fileExists(atPath: path), "the default model is missing: run tools/setup to download it to \(path)")
            return path
        }
    }

    /// The kernel paths this CPU runs.
    static let paths: [String] = ["scalar", "avx2", "avx512"].filter { ck_kernel_path_supported($0) != 0 }

    /// Runs `body` on kernel path `path`, then restores the best one.
    static func onPath<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        let best = String(cString: ck_kernel_path())
        precondition(ck_force_kernel_path(path) != 0)
        defer { _ = ck_force_kernel_path(best) }
        return try body()
    }
}

/// The whole tiny model's LoRA gradients against central finite differences of the
/// float64 reference (ReferenceLoRAModel), on every kernel path: every target's A and B,
/// through every op (embedding, RMSNorm, RoPE, GQA attention, SwiGLU, the output
/// projection, masked cross-entropy).
@Suite(.serialized)
struct LoRAGradientModelTests {
    /// The tiny llama (F32 weights: the forward's products are exact in floats) and qwen2
    /// (F16 weights and activations: Q, K, V biases, NeoX RoPE, tied output).
    static let cases: [(file: String, tolerance: Double)] = [("tiny-llama-f32.gguf", 2e-3), ("tiny-qwen2-f16.gguf", 3e-2)]

    static let tokens: [TokenID] = [1, 17, 42, 99, 7, 230, 5, 64, 12, 180]
    static let mask: [Bool] = [false, false, true, true, false, true, true, true, true, false]

    /// A model with rank 4 whose B are small random values (B = 0 would leave A without gradient).
    static func makeTraining(_ model: Model) throws -> LoRATrainingModel {
        let training = try LoRATrainingModel(model: model, configuration: LoRAConfiguration(rank: 4, alpha: 8), seed: 7)
        var generator = SeededGenerator(seed: 99)
        for tensor in training.parameters where tensor.name.hasSuffix("lora_b") {
            tensor.values = tensor.values.map { _ in Float.random(in: -0.2..<0.2, using: &generator) }
        }
        return training
    }

    @Test("the loss equals the float64 reference's", arguments: cases.map(\.file))
    func lossMatchesReference(file: String) throws {
        let model = try TrainingFixtures.tinyModel(file)
        let training = try Self.makeTraining(model)
        let reference = try ReferenceLoRAModel(model: model, training: training, tokens: Self.tokens.count)
        let (loss, count) = try training.loss(tokens: Self.tokens, lossMask: Self.mask)
        #expect(count == 6)
        let expected = reference.loss(tokens: Self.tokens, lossMask: Self.mask)
        #expect(abs(loss - expected) <= 1e-2 * abs(expected), "loss \(loss), reference \(expected)")
    }

    @Test("LoRA gradients match finite differences of the float64 reference on every path", arguments: cases.map(\.file))
    func gradientsMatchFiniteDifferences(file: String) throws {
        let tolerance = Self.cases.first { $0.file == file }!.tolerance
        let model = try TrainingFixtures.tinyModel(file)
        let training = try Self.makeTraining(model)
        var reference = try ReferenceLoRAModel(model: model, training: training, tokens: Self.tokens.count)
        // Three entries of every tensor, spread over it.
        var samples: [(tensor: Int, index: Int)] = []
        for (t, tensor) in training.parameters.enumerated() {
            for k in 0..<3 { samples.append((t, (k * 7919 + t * 31) % tensor.values.count)) }
        }
        let step = 1e-4
        var numeric: [Double] = []
        for (t, index) in samples {
            let original = reference.pairs[t][index]
            reference.pairs[t][index] = original + step
            let plus = reference.loss(tokens: Self.tokens, lossMask: Self.mask)
            reference.pairs[t][index] = original - step
            let minus = reference.loss(tokens: Self.tokens, lossMask: Self.mask)
            reference.pairs[t][index] = original
            numeric.append((plus - minus) / (2 * step))
        }
        let norm = numeric.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(norm > 1e-3, "the sampled gradients are all near zero: the check would prove nothing")
        for path in TrainingFixtures.paths {
            try TrainingFixtures.onPath(path) {
                training.zeroGradients()
                _ = try training.accumulateGradients(tokens: Self.tokens, lossMask: Self.mask)
                let analytic = samples.map { Double(training.parameters[$0.tensor].gradients[$0.index]) }
                let error = zip(analytic, numeric).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                #expect(error <= tolerance * norm, "\(file) on \(path): relative error \(error / norm)")
                for (s, (a, n)) in zip(samples, zip(analytic, numeric)) where abs(a - n) > 10 * tolerance * max(norm / Double(samples.count).squareRoot(), abs(n)) {
                    Issue.record("\(file) on \(path): \(training.parameters[s.tensor].name)[\(s.index)] analytic \(a), numeric \(n)")
                }
            }
        }
    }

    @Test("gradients accumulate across calls and reset to zero")
    func gradientsAccumulate() throws {
        let training = try Self.makeTraining(try TrainingFixtures.tinyModel("tiny-llama-f32.gguf"))
        _ = try training.accumulateGradients(tokens: Self.tokens, lossMask: Self.mask)
        let once = training.parameters.map(\.gradients)
        _ = try training.accumulateGradients(tokens: Self.tokens, lossMask: Self.mask)
        for (tensor, first) in zip(training.parameters, once) {
            for (twice, single) in zip(tensor.gradients, first) { #expect(abs(twice - 2 * single) <= 1e-4 * max(1, abs(single))) }
        }
        training.zeroGradients()
        #expect(training.parameters.allSatisfy { $0.gradients.allSatisfy { $0 == 0 } })
    }
}
