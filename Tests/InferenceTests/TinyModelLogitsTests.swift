import Foundation
import Testing
@testable import Inference

/// Tiny random-weight models (llama and qwen2 in every tensor type; qwen3, phi3 with
/// and without long-context RoPE, and gemma3 in a few; made by
/// `tools/make-forward-fixtures` and quantized by llama.cpp): logits of whole token
/// sequences compared with llama.cpp's.
struct TinyModelLogitsTests {
    struct Run: Decodable {
        let kv_type: String
        let tokens: [TokenID]
        let argmax: [TokenID]
        let logits_b64: String
        let exact_logits_b64: String?
    }

    struct Fixture: Decodable {
        let model: String
        let runs: [Run]
    }

    static let models = [
        "tiny-llama-f32", "tiny-llama-f16", "tiny-llama-bf16", "tiny-llama-q8_0", "tiny-llama-q4_0", "tiny-llama-q4_1",
        "tiny-llama-q5_0", "tiny-llama-q5_1", "tiny-llama-q4_k_m", "tiny-llama-q5_k_m", "tiny-llama-q6_k",
        "tiny-llama-tied-q4_0", "tiny-llama-tied-q4_k_m", "tiny-qwen2-f16", "tiny-qwen2-q8_0", "tiny-qwen2-q4_k_m",
        "tiny-qwen3-q4_k_m", "tiny-phi3-q4_k_m", "tiny-phi3-longrope-q4_k_m", "tiny-gemma3-q4_k_m",
    ]

    static func floats(_ base64: String) -> [Float] {
        let data = Data(base64Encoded: base64)!
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// Tolerance. Ponder quantizes activations and rounds the half-precision KV
    /// cache as llama.cpp does, so most positions agree to 1e-4 or better; where a
    /// value sits on a rounding boundary the two sum in different orders, it may
    /// round the other way and move that position's logits (magnitude ~10) by up to
    /// ~0.27 — less than llama.cpp's own error against exact float64 arithmetic on
    /// the same weights (0.2–0.54 for the quantized files).
    static let tolerance: Float = 0.3
    /// Share of positions that must agree to 1e-3 (bit-level agreement but for
    /// summation order).
    static let agreeingShare = 0.5
    /// Gemma 3 rounds at more points (QK-norm, post-norms, queries scaled before
    /// they become halves) and its logits spread over ±45 (the √d embedding scale),
    /// so one K/V value rounded the other way in the global layer moves every later
    /// position by ~0.1: agreement to 1e-3 holds at fewer positions.
    static let gemmaAgreeingShare = 0.3
    /// Float models have no 8-bit activations to round, only halves and summation
    /// order: they agree to 0.06 everywhere (bfloat16 activations have 8-bit mantissas).
    static let floatTolerance: Float = 0.06

    @Test("logits equal llama.cpp's", arguments: models)
    func logitsMatch(name: String) throws {
        let fixture = try Fixtures.decode(Fixture.self, from: "forward/\(name).logits.json")
        let model = try Model(path: Fixtures.path("forward/\(fixture.model)"))
        let vocabulary = model.config.vocabularySize
        for run in fixture.runs where run.kv_type == "f16" {
            let session = try model.makeSession(contextLength: 256)
            let logits = try session.appendScoringAll(run.tokens)
            let expected = Self.floats(run.logits_b64)
            try #require(logits.count == expected.count)
            let worst = zip(logits, expected).map { abs($0 - $1) }.max() ?? 0
            let isFloatModel = ["f32", "f16", "bf16"].contains(name.split(separator: "-").last.map(String.init) ?? "")
            #expect(worst <= (isFloatModel ? Self.floatTolerance : Self.tolerance),
                    "\(name): max |Δlogit| \(worst) over \(run.tokens.count) tokens")
            guard !isFloatModel else { continue }
            let agreeing = run.tokens.indices.filter { position in
                (0..<vocabulary).allSatisfy { abs(logits[position * vocabulary + $0] - expected[position * vocabulary + $0]) <= 1e-3 }
            }
            let share = name.hasPrefix("tiny-gemma3") ? Self.gemmaAgreeingShare : Self.agreeingShare
            #expect(Double(agreeing.count) >= share * Double(run.tokens.count),
                    "\(name): only \(agreeing.count) of \(run.tokens.count) positions agree to 1e-3")
            for position in run.tokens.indices {
                let row = Array(logits[(position * vocabulary)..<((position + 1) * vocabulary)])
                let reference = Array(expected[(position * vocabulary)..<((position + 1) * vocabulary)])
                let ours = Sampler.argmax(row)
                if ours != run.argmax[position] {
                    // Allowed only where llama.cpp's two best are within the tolerance.
                    #expect(abs(reference[Int(ours)] - reference[Int(run.argmax[position])]) <= 2 * Self.tolerance)
                }
            }
        }
    }

    @Test("tied and separate output projections both load")
    func tiedEmbeddings() throws {
        let tied = try Model(path: Fixtures.path("forward/tiny-llama-tied-q4_0.gguf"))
        #expect(tied.file.tensorsByName["output.weight"] == nil)
        #expect(tied.transformer.weights.output.name == "token_embd.weight")
        let separate = try Model(path: Fixtures.path("forward/tiny-llama-q4_0.gguf"))
        #expect(separate.transformer.weights.output.name == "output.weight")
    }
}
