import Foundation
import Testing
@testable import Inference

/// Applying adapters without merging: the hooked product against a float64
/// reference, whole models against the same adapters merged into the weights, and
/// the adapters a model cannot take.
struct LoRAProductTests {
    static let tinyPath = Fixtures.path("forward/tiny-llama-f32.gguf")

    @Test("W·x + Σ s·B(A·x) equals a float64 reference, for several tokens and two adapters")
    func productAgainstReference() throws {
        let file = try GGUFFile(path: Self.tinyPath)
        let config = try ModelConfig(file: file)
        let info = try #require(file.tensorsByName["blk.0.attn_v.weight"])
        let matrix = try WeightMatrix(name: info.name, tensor: info, file: file)  // 256 → 128, F32
        let first = LoRAAdapterFileTests.randomAdapter(config: config, rank: 3, alpha: 6, targets: [.v], seed: 7).weights[0]
        let second = LoRAAdapterFileTests.randomAdapter(config: config, rank: 5, alpha: 0, targets: [.v], seed: 8).weights[0]
        matrix.lowRank.append(LowRankPair(first, multiplier: 0.5 * 6 / 3))
        matrix.lowRank.append(LowRankPair(second, multiplier: 1.5))

        let tokens = 3
        var generator = SeededGenerator(seed: 3)
        var input = (0..<(tokens * matrix.columns)).map { _ in Float.random(in: -1...1, using: &generator) }
        var output = [Float](repeating: .nan, count: tokens * matrix.rows)
        let store = ActivationStore(maximumTokens: tokens)
        input.withUnsafeMutableBufferPointer { x in
            store.reset(input: x.baseAddress!, columns: matrix.columns, tokens: tokens)
            output.withUnsafeMutableBufferPointer { y in store.multiply(matrix, into: y.baseAddress!) }
        }

        var row = [Float](repeating: 0, count: matrix.columns)
        var worst = 0.0
        for r in 0..<matrix.rows {
            row.withUnsafeMutableBufferPointer { matrix.dequantizeRow(r, into: $0.baseAddress!) }
            for t in 0..<tokens {
                let x = input[(t * matrix.columns)..<((t + 1) * matrix.columns)].map(Double.init)
                var expected = zip(row, x).reduce(0.0) { $0 + Double($1.0) * $1.1 }
                for (pair, multiplier) in [(first, 1.0), (second, 1.5)] {
                    for k in 0..<pair.rank {
                        let ax = (0..<pair.inputWidth).reduce(0.0) { $0 + Double(pair.a[k * pair.inputWidth + $1]) * x[$1] }
                        expected += multiplier * Double(pair.b[r * pair.rank + k]) * ax
                    }
                }
                worst = max(worst, abs(expected - Double(output[t * matrix.rows + r])))
            }
        }
        #expect(worst < 1e-4, "largest difference \(worst)")
    }

    @Test("a model with adapters gives the logits of the same adapters merged into its weights")
    func adapterEqualsMerged() throws {
        let file = try GGUFFile(path: Self.tinyPath)
        let config = try ModelConfig(file: file)
        let first = LoRAAdapterFileTests.randomAdapter(config: config, rank: 4, alpha: 8, seed: 11)
        let second = LoRAAdapterFileTests.randomAdapter(config: config, rank: 2, alpha: 0, targets: [.q, .down], seed: 12)
        let adapters: [(adapter: LoRAAdapter, scale: Float)] = [(first, 0.75), (second, 1)]
        let merged = LoRAAdapterFileTests.temporaryPath("merged")
        defer { try? FileManager.default.removeItem(atPath: merged) }
        try LoRAMerge.write(model: file, config: config, adapters: adapters, to: merged)

        let tokens: [TokenID] = [1, 17, 42, 99, 5, 200, 31]
        func logits(_ model: Model) throws -> [Float] {
            try model.makeSession(contextLength: 32).appendScoringAll(tokens)
        }
        let base = try logits(Model(file: file))
        let applied = try Model(file: file, adapters: adapters)
        #expect(applied.adapters.map(\.scale) == [0.75, 1])
        #expect(applied.adapters[0].targets == LoRATarget.allCases && applied.adapters[1].ranks == [2])
        let withAdapters = try logits(applied)
        let fromMerged = try logits(Model(path: merged))
        let shift = zip(base, withAdapters).map { abs($0 - $1) }.max() ?? 0
        let difference = zip(fromMerged, withAdapters).map { abs($0 - $1) }.max() ?? 0
        #expect(shift > 0.05, "the adapters must change the logits (largest change \(shift))")
        #expect(difference < 1e-3, "merged and applied differ by up to \(difference)")

        // Everything but the changed matrices is copied as it was.
        let mergedFile = try GGUFFile(path: merged)
        #expect(mergedFile.metadataKeys == file.metadataKeys)
        #expect(mergedFile.tensorsByName["blk.0.attn_norm.weight"].map { Array(mergedFile.data(for: $0)) }
                == file.tensorsByName["blk.0.attn_norm.weight"].map { Array(file.data(for: $0)) })
    }

    @Test("an adapter whose B is zero leaves the logits exactly as they were")
    func zeroAdapter() throws {
        let file = try GGUFFile(path: Fixtures.path("forward/tiny-llama-q4_0.gguf"))
        let config = try ModelConfig(file: file)
        var adapter = LoRAAdapterFileTests.randomAdapter(config: config)
        for index in adapter.weights.indices { adapter.weights[index].b = [Float](repeating: 0, count: adapter.weights[index].b.count) }
        let tokens: [TokenID] = [3, 4, 5, 6]
        let base = try Model(file: file).makeSession(contextLength: 16).appendScoringAll(tokens)
        let applied = try Model(file: file, adapters: [(adapter, 1)]).makeSession(contextLength: 16).appendScoringAll(tokens)
        #expect(base == applied)
    }

    @Test("adapters a model cannot take are refused, naming the tensor")
    func refusals() throws {
        let file = try GGUFFile(path: Self.tinyPath)
        let config = try ModelConfig(file: file)
        var wrongWidth = LoRAAdapterFileTests.randomAdapter(config: config, targets: [.k])
        wrongWidth.weights[0].outputWidth = 256
        wrongWidth.weights[0].b += wrongWidth.weights[0].b
        #expect(throws: InferenceError.self) { try Model(file: file, adapters: [(wrongWidth, 1)]) }
        do {
            _ = try Model(file: file, adapters: [(wrongWidth, 1)])
        } catch {
            #expect(error.description.contains("blk.0.attn_k.weight.lora_b"), "\(error)")
        }
        var otherArchitecture = LoRAAdapterFileTests.randomAdapter(config: config, targets: [.q])
        otherArchitecture.architecture = "qwen2"
        #expect(throws: InferenceError.self) { try Model(file: file, adapters: [(otherArchitecture, 1)]) }

        // Phi-3 fuses Q, K and V into one matrix: a pair for attn_q has nothing to change.
        let phi3 = try GGUFFile(path: Fixtures.path("forward/tiny-phi3-q4_k_m.gguf"))
        let phi3Config = try ModelConfig(file: phi3)
        let query = LoRAAdapterFileTests.randomAdapter(config: phi3Config, targets: [.q])
        do {
            _ = try Model(file: phi3, adapters: [(query, 1)])
            Issue.record("a pair for a fused matrix was accepted")
        } catch {
            #expect(error.description.contains("does not have"), "\(error)")
        }
    }
}
