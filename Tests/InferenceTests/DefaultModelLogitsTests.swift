import Foundation
import Testing
@testable import Inference

/// SmolLM2-135M-Instruct, teacher-forced over raw and chat prompts: logits at every
/// position against llama.cpp's (top-40 tokens and a fixed sample of 64 more), and
/// 32 greedy tokens against llama.cpp's greedy continuation. Fixtures come from
/// `tools/make-forward-fixtures`. The Q8_0 and Q4_K_M copies are made by that
/// script (not committed, not downloaded by set-up): their tests run when the
/// copies exist in models/.
struct DefaultModelLogitsTests {
    struct Position: Decodable {
        let top_ids: [Int]
        let top_logits: [Float]
        let subset_logits: [Float]
    }

    struct GreedyStep: Decodable {
        let id: TokenID
        let logit: Float
        let runner_up_id: TokenID
        let runner_up_logit: Float
    }

    struct Prompt: Decodable {
        let name: String
        let tokens: [TokenID]
        let positions: [Position]
        let greedy: [GreedyStep]
    }

    struct Fixture: Decodable {
        let model: String
        let sha256: String
        let subset_ids: [Int]
        let prompts: [Prompt]
    }

    /// Agreement we require, set by llama.cpp's own spread. Its flash-attention and
    /// default paths differ on these very prompts by up to 1.80 / 1.53 / 1.56
    /// (mean 0.227 / 0.235 / 0.273) for Q4_1 / Q8_0 / Q4_K_M, and disagree on the
    /// top token at 3–7 of 218 positions. Ponder follows the default path's
    /// arithmetic, but rounding-boundary differences (summation order) compound over
    /// 30 layers to the same order; we require no more than about twice
    /// llama.cpp's own spread. (The tiny one-layer models check the arithmetic
    /// itself: most positions agree to 1e-3 there.)
    static let maximumDifference: Float = 3.0
    static let meanDifference: Float = 0.45
    /// Two logits closer than this (about llama.cpp's own 99th-percentile spread)
    /// are a near-tie: either order is right.
    static let nearTie: Float = 1.0

    static func modelPath(_ name: String) throws -> String? {
        if name == "SmolLM2-135M-Instruct.Q4_1.gguf" { return try Fixtures.defaultModelPath }
        let path = Fixtures.repositoryRoot.appendingPathComponent("models/\(name)").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static let q8Available = FileManager.default.fileExists(
        atPath: Fixtures.repositoryRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q8_0.gguf").path)
    static let q4kAvailable = FileManager.default.fileExists(
        atPath: Fixtures.repositoryRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_K_M.gguf").path)

    func check(fixtureName: String) throws {
        let fixture = try Fixtures.decode(Fixture.self, from: "forward/\(fixtureName)")
        let path = try #require(try Self.modelPath(fixture.model))
        let model = try Model(path: path)
        let vocabulary = model.config.vocabularySize
        #expect(fixture.prompts.count >= 5)
        var differences: [Float] = []
        for prompt in fixture.prompts {
            let session = try model.makeSession(contextLength: 256)
            let logits = try session.appendScoringAll(prompt.tokens)
            for (index, reference) in prompt.positions.enumerated() {
                let row = Array(logits[(index * vocabulary)..<((index + 1) * vocabulary)])
                for (id, value) in zip(reference.top_ids, reference.top_logits) { differences.append(abs(row[id] - value)) }
                for (id, value) in zip(fixture.subset_ids, reference.subset_logits) { differences.append(abs(row[id] - value)) }
                let ours = Int(Sampler.argmax(row))
                let margin = reference.top_logits[0] - reference.top_logits[1]
                #expect(ours == reference.top_ids[0] || margin < Self.nearTie,
                        "\(prompt.name) position \(index): top-1 \(ours), llama.cpp \(reference.top_ids[0]) by \(margin)")
            }
            // Greedy continuation: equal, or diverging only at a near-tie — llama.cpp's
            // best two within `nearTie`, and in Ponder's logits llama.cpp's choice
            // within `nearTie` of Ponder's.
            let generated = try session.generate(GenerationOptions(maximumTokens: prompt.greedy.count, stopAtEndOfGeneration: false))
            let expectedTokens = prompt.greedy.map(\.id)
            if let step = expectedTokens.indices.first(where: { $0 >= generated.tokens.count || generated.tokens[$0] != expectedTokens[$0] }) {
                let reference = prompt.greedy[step]
                let replay = try model.makeSession(contextLength: 256)
                let ours = try replay.append(prompt.tokens + generated.tokens.prefix(step))
                let chosen = generated.tokens[step]
                let referenceMargin = reference.logit - reference.runner_up_logit
                let ourMargin = ours[Int(chosen)] - ours[Int(reference.id)]
                #expect(referenceMargin < Self.nearTie && ourMargin < Self.nearTie,
                        "\(prompt.name): greedy diverges at step \(step): \(chosen) vs llama.cpp's \(reference.id) (its margin \(referenceMargin), ours \(ourMargin))")
            }
        }
        let maximum = differences.max() ?? 0
        let mean = differences.reduce(0, +) / Float(max(1, differences.count))
        print("\(fixtureName): \(differences.count) logits, max |Δ| \(maximum), mean |Δ| \(mean)")
        #expect(maximum <= Self.maximumDifference)
        #expect(mean <= Self.meanDifference)
    }

    @Test("Q4_1 (the default model) matches llama.cpp")
    func q4_1() throws { try check(fixtureName: "smollm2-q4_1.logits.json") }

    @Test("Q8_0 copy matches llama.cpp", .enabled(if: q8Available, "models/SmolLM2-135M-Instruct.Q8_0.gguf is made by tools/make-forward-fixtures"))
    func q8_0() throws { try check(fixtureName: "smollm2-q8_0.logits.json") }

    @Test("Q4_K_M copy matches llama.cpp", .enabled(if: q4kAvailable, "models/SmolLM2-135M-Instruct.Q4_K_M.gguf is made by tools/make-forward-fixtures"))
    func q4_K_M() throws { try check(fixtureName: "smollm2-q4_k_m.logits.json") }
}
