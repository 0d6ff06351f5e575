import CKernels
import Foundation
import Inference
import Testing
@testable import Training

/// The numbers of docs/PERFORMANCE.md's training section: forward + backward tokens/s on
/// the default model (2 threads, 256 tokens, rank 16 on every target), the process's
/// peak resident memory, and the share of the CPU's measured float multiply-add peak
/// that the transposed product reaches. Runs only when PONDER_TRAINING_BENCHMARK=1
/// (it takes about a minute and needs a quiet machine).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["PONDER_TRAINING_BENCHMARK"] == "1"))
struct TrainingForwardBenchmark {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    @Test("training throughput, memory and kernel efficiency on the default model")
    func measure() throws {
        Engine.setThreadCount(2)
        let model = try Model(path: try TrainingFixtures.defaultModelPath)
        let training = try LoRATrainingModel(model: model, configuration: LoRAConfiguration(), seed: 1)
        var generator = SplitMix64(seed: 2)
        let tokens = (0..<256).map { _ in TokenID(Int.random(in: 0..<model.config.vocabularySize, using: &generator)) }
        let mask = [Bool](repeating: true, count: tokens.count)
        _ = try training.accumulateGradients(tokens: tokens, lossMask: mask)
        let rounds = 3
        let elapsed = try Self.seconds { for _ in 0..<rounds { _ = try training.accumulateGradients(tokens: tokens, lossMask: mask) } }
        let forward = try Self.seconds { _ = try training.loss(tokens: tokens, lossMask: mask) }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        print("training: \(String(format: "%.1f", Double(rounds * tokens.count) / elapsed)) tokens/s forward+backward, "
              + "forward alone \(String(format: "%.1f", Double(tokens.count) / forward)) tokens/s, peak RSS \(usage.ru_maxrss / 1024) MiB")

        // The CPU's peak: the probe's independent multiply-adds on each of 2 threads at once.
        let iterations: Int64 = 200_000_000
        var lanes = [Int64](repeating: 0, count: 2)
        let probe = Self.seconds {
            lanes.withUnsafeMutableBufferPointer { results in
                nonisolated(unsafe) let pointer = results.baseAddress!
                DispatchQueue.concurrentPerform(iterations: 2) { pointer[$0] = ck_fma_probe(iterations) }
            }
        }
        let peak = 2 * Double(lanes.reduce(0, +)) / probe
        // dx += dy · W for the feed-forward matrices of block 0 and the output projection, 256 tokens.
        let frozen = try model.transformer.frozenWeights()
        var report: [String] = []
        for matrix in [frozen.layers[0].gate, frozen.layers[0].down, frozen.layers[0].query, frozen.output] {
            let dy = [Float](repeating: 0.01, count: tokens.count * matrix.rows)
            var dx = [Float](repeating: 0, count: tokens.count * matrix.columns)
            let repeats = matrix.rows > 10_000 ? 1 : 5
            let time = Self.seconds {
                for _ in 0..<repeats {
                    model.transformer.withComputePool { pool in
                        ck_pool_matmul_transposed(pool, matrix.type, matrix.data, Int64(matrix.columns), Int64(matrix.rows), dy,
                                                  Int64(matrix.rows), Int64(tokens.count), &dx, Int64(matrix.columns))
                    }
                }
            }
            let flops = 2 * Double(matrix.rows * matrix.columns * tokens.count * repeats) / time
            report.append("\(matrix.name) (type \(matrix.type)): \(String(format: "%.1f", flops / 1e9)) GFLOP/s = \(String(format: "%.0f", 100 * flops / peak))%")
        }
        print("float multiply-add peak (2 threads, \(String(cString: ck_kernel_path()))): \(String(format: "%.1f", peak / 1e9)) GFLOP/s; transposed product: "
              + report.joined(separator: "; "))
    }
}
