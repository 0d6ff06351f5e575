import Foundation
import Testing
@testable import Inference

/// The Gemma 3 metadata and the sliding-window path, on the tiny random-weight
/// gemma3 fixture (two layers: a local one with a window of 8, then a global one).
struct Gemma3ArchitectureTests {
    static let path = "forward/tiny-gemma3-q4_k_m.gguf"

    @Test("the window, the pattern, the local RoPE base and key_length are read")
    func configuration() throws {
        let config = try ModelConfig(file: GGUFFile(path: Fixtures.path(Self.path)))
        #expect(config.slidingWindow == 8)
        #expect(config.slidingWindowLayers == [true, false])
        #expect(config.ropeFrequencyBaseLocal == 10_000 && config.ropeFrequencyBase == 1_000_000)
        #expect(config.headDimension == 128 && config.headCount == 4 && config.embeddingLength == 256)
    }

    @Test("token by token past the window gives the logits of one batch")
    func incrementalMatchesBatch() throws {
        let model = try Model(path: Fixtures.path(Self.path))
        let tokens: [TokenID] = (0..<20).map { TokenID(3 + ($0 * 37) % 260) }
        let batch = try model.makeSession(contextLength: 64).appendScoringAll(tokens)
        let vocabulary = model.config.vocabularySize
        let session = try model.makeSession(contextLength: 64)
        // A prompt that ends before the window, then one token at a time past it.
        var last = try session.append(Array(tokens.prefix(5)))
        var worst: Float = 0
        for (index, token) in tokens.enumerated().dropFirst(5) {
            last = try session.append([token])
            let row = batch[(index * vocabulary)..<((index + 1) * vocabulary)]
            worst = max(worst, zip(last, row).map { abs($0 - $1) }.max() ?? 0)
        }
        // Batch and single-token products round activations the same way; only
        // summation order differs.
        #expect(worst < 0.05, "max |Δ| \(worst)")
    }
}
