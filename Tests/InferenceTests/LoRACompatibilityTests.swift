import Foundation
import Testing
@testable import Inference

/// The default model with a rank-4 adapter written by the gguf package: Ponder's
/// logits against llama.cpp's with the same adapter and scale (fixture from
/// `tools/make_lora_fixture.py`), at the tolerance of the base model's comparison.
struct LoRACompatibilityTests {
    struct Position: Decodable {
        let top_ids: [Int]
        let top_logits: [Float]
    }

    struct GreedyStep: Decodable {
        let id: TokenID
        let logit: Float
        let runner_up_logit: Float
    }

    struct Prompt: Decodable {
        let name: String
        let tokens: [TokenID]
        let positions: [Position]
        let greedy: [GreedyStep]
    }

    struct Fixture: Decodable {
        let adapter: String
        let scale: Float
        let rank: Int
        let alpha: Float
        let prompts: [Prompt]
    }

    /// Differences of the top logits from llama.cpp's, and greedy steps that differ
    /// other than at a near-tie.
    static func compare(_ model: Model, _ fixture: Fixture) throws -> (differences: [Float], divergences: [String]) {
        let vocabulary = model.config.vocabularySize
        var differences: [Float] = []
        var divergences: [String] = []
        for prompt in fixture.prompts {
            let session = try model.makeSession(contextLength: 128)
            let logits = try session.appendScoringAll(prompt.tokens)
            for (index, reference) in prompt.positions.enumerated() {
                let row = logits[(index * vocabulary)..<((index + 1) * vocabulary)]
                for (id, value) in zip(reference.top_ids, reference.top_logits) { differences.append(abs(row[row.startIndex + id] - value)) }
            }
            let generated = try session.generate(GenerationOptions(maximumTokens: prompt.greedy.count, stopAtEndOfGeneration: false))
            if let step = prompt.greedy.indices.first(where: { $0 >= generated.tokens.count || generated.tokens[$0] != prompt.greedy[$0].id }),
               prompt.greedy[step].logit - prompt.greedy[step].runner_up_logit >= DefaultModelLogitsTests.nearTie {
                divergences.append("\(prompt.name) step \(step)")
            }
        }
        return (differences, divergences)
    }

    @Test("logits with the adapter match llama.cpp's; without it they do not")
    func matchesLlamaCpp() throws {
        let fixture = try Fixtures.decode(Fixture.self, from: "lora-smollm2-rank4.logits.json")
        let path = try Fixtures.defaultModelPath
        let file = try GGUFFile(path: path)
        let adapter = try LoRAAdapter.load(path: Fixtures.path(fixture.adapter), for: ModelConfig(file: file))
        #expect(adapter.ranks == [fixture.rank] && adapter.alpha == fixture.alpha)
        #expect(adapter.targets == LoRATarget.allCases && adapter.weights.count == 15 * 7)

        let (differences, divergences) = try Self.compare(Model(file: file, adapters: [(adapter, fixture.scale)]), fixture)
        let maximum = differences.max() ?? 0
        let mean = differences.reduce(0, +) / Float(max(1, differences.count))
        print("LoRA against llama.cpp: \(differences.count) logits, max |Δ| \(maximum), mean |Δ| \(mean)")
        #expect(maximum <= DefaultModelLogitsTests.maximumDifference)
        #expect(mean <= DefaultModelLogitsTests.meanDifference)
        #expect(divergences.isEmpty, "greedy diverges: \(divergences)")

        // The comparison can fail: the base model is far from llama.cpp's adapted logits.
        let (baseDifferences, _) = try Self.compare(Model(file: file), fixture)
        let baseMean = baseDifferences.reduce(0, +) / Float(max(1, baseDifferences.count))
        #expect(baseMean > 4 * DefaultModelLogitsTests.meanDifference, "without the adapter: mean |Δ| \(baseMean)")
    }
}
