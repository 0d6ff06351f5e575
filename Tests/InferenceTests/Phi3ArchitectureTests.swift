import Foundation
import Testing
@testable import Inference

/// Phi-3's fused projections and long-context RoPE on the tiny random-weight phi3
/// fixtures (original context 128; the logit fixtures run with 256).
struct Phi3ArchitectureTests {
    @Test("fused QKV and gate-up matrices are found; the attention factor and original context are read")
    func fusedAndLongRoPE() throws {
        let model = try Model(path: Fixtures.path("forward/tiny-phi3-longrope-q4_k_m.gguf"))
        let layer = try #require(model.transformer.weights.layers.first)
        guard case .fused(let qkv) = layer.projection else {
            Issue.record("attn_qkv was not used")
            return
        }
        #expect(qkv.rows == 256 + 2 * 128)
        #expect(layer.gate == nil && layer.up.rows == 2 * model.config.feedForwardLength)
        #expect(model.config.ropeOriginalContextLength == 128)
        let factor = try #require(model.config.ropeAttentionFactor)
        #expect(abs(factor - (1 + log(2.0) / log(128.0)).squareRoot()) < 1e-6)
        // Long factors beyond the original context, short ones within it.
        #expect(model.transformer.ropeFactors(contextLength: 256) == model.transformer.weights.ropeFactorsLong)
        #expect(model.transformer.ropeFactors(contextLength: 128) == model.transformer.weights.ropeFactorsShort)
        #expect(model.transformer.weights.ropeFactorsLong != model.transformer.weights.ropeFactorsShort)
    }

    @Test("a Phi-3 file without long-context factors runs without them")
    func plain() throws {
        let model = try Model(path: Fixtures.path("forward/tiny-phi3-q4_k_m.gguf"))
        #expect(model.transformer.ropeFactors(contextLength: 256) == nil)
        #expect(model.config.slidingWindow == nil)
    }
}
