import Foundation
import Testing
@testable import Inference

/// Gemma 3 270M (Q4_K_M, assembled by `tools/fetch-gemma3-270m`; not committed):
/// token ids, logits along three raw prompts and two chat turns, and 32 greedy
/// tokens each, against llama.cpp's (fixture by `tools/make-forward-fixtures`). Runs
/// when the model is in models/.
struct Gemma3ModelLogitsTests {
    static let fixtureName = "gemma3-270m-q4_k_m.logits.json"
    static let modelPath = Fixtures.repositoryRoot.appendingPathComponent("models/gemma-3-270m-q4_k_m.gguf").path
    static let available = FileManager.default.fileExists(atPath: modelPath)

    struct Prompt: Decodable {
        let name: String
        let text: String
        let parse_special: Bool
        let tokens: [TokenID]
    }

    struct Fixture: Decodable {
        let sha256: String
        let prompts: [Prompt]
    }

    @Test("the configuration: 18 layers, five sliding-window layers then one global, head width 256",
          .enabled(if: available, "models/gemma-3-270m-q4_k_m.gguf is made by tools/fetch-gemma3-270m"))
    func configuration() throws {
        let file = try GGUFFile(path: Self.modelPath)
        let config = try ModelConfig(file: file)
        #expect(config.architecture == "gemma3")
        #expect(config.blockCount == 18 && config.headDimension == 256 && config.headCount == 4 && config.headCountKV == 1)
        #expect(config.slidingWindow == 512)
        #expect(config.ropeFrequencyBase == 1_000_000 && config.ropeFrequencyBaseLocal == 10_000)
        #expect(config.slidingWindowLayers == (0..<18).map { $0 % 6 != 5 })
        #expect(config.vocabularySize == 262_144)
    }

    @Test("token ids equal llama.cpp's", .enabled(if: available, "models/gemma-3-270m-q4_k_m.gguf is made by tools/fetch-gemma3-270m"))
    func tokens() throws {
        let fixture = try Fixtures.decode(Fixture.self, from: "forward/\(Self.fixtureName)")
        let model = try Model(path: Self.modelPath)
        for prompt in fixture.prompts {
            let ours = model.tokenizer.encode(prompt.text, addSpecial: true, parseSpecial: prompt.parse_special)
            #expect(ours == prompt.tokens, "\(prompt.name)")
        }
    }

    @Test("logits and greedy continuations equal llama.cpp's (near-ties allowed)",
          .enabled(if: available, "models/gemma-3-270m-q4_k_m.gguf is made by tools/fetch-gemma3-270m"))
    func logits() throws {
        try DefaultModelLogitsTests().check(fixtureName: Self.fixtureName)
    }
}
