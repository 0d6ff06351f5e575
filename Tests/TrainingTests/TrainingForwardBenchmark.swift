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
        var generator = SeededGenerator(seed: 2)
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
        // One block's attention (forward and backward) and one LoRA pair's products (576 → 1536).
        let config = model.config, t = Int64(tokens.count)
        let (heads, kvHeads, d) = (config.headCount, config.headCountKV, config.headDimension)
        let q = [Float](repeating: 0.1, count: tokens.count * heads * d), kv = [Float](repeating: 0.1, count: tokens.count * kvHeads * d)
        var out = q, lse = [Float](repeating: 0, count: tokens.count * heads), dq = q, dk = kv, dv = kv
        let attention = Self.seconds {
            model.transformer.withComputePool { pool in
                ck_pool_attention_forward(pool, q, kv, kv, t, Int64(heads), Int64(kvHeads), Int64(d), 0.125, &out, &lse)
            }
        }
        let attentionBackward = Self.seconds {
            model.transformer.withComputePool { pool in
                ck_pool_attention_backward(pool, q, kv, kv, out, lse, q, t, Int64(heads), Int64(kvHeads), Int64(d), 0.125, &dq, &dk, &dv)
            }
        }
        let (input, output, rank) = (Int64(config.embeddingLength), Int64(config.feedForwardLength), Int64(16))
        let x = [Float](repeating: 0.1, count: tokens.count * Int(max(input, output))), a = [Float](repeating: 0.1, count: Int(rank * max(input, output)))
        var ax = [Float](repeating: 0, count: tokens.count * 16), y = [Float](repeating: 0, count: tokens.count * Int(output))
        var gradient = [Float](repeating: 0, count: Int(rank * max(input, output)))
        let lora = Self.seconds {
            model.transformer.withComputePool { pool in
                ck_pool_sgemm(pool, 0, 1, t, rank, input, 1, x, input, a, input, 0, &ax, rank)  // A x
                ck_pool_sgemm(pool, 0, 1, t, output, rank, 1, ax, rank, a, rank, 1, &y, output)  // += B (A x)
                ck_pool_sgemm(pool, 1, 0, output, rank, t, 1, y, output, ax, rank, 1, &gradient, rank)  // dB
                ck_pool_sgemm(pool, 0, 0, t, rank, output, 1, y, output, a, rank, 0, &ax, rank)  // d(Ax)
                ck_pool_sgemm(pool, 1, 0, rank, input, t, 1, ax, rank, x, input, 1, &gradient, input)  // dA
                ck_pool_sgemm(pool, 0, 0, t, input, rank, 1, ax, rank, a, input, 1, &y, input)  // dx
            }
        }
        let loraFlops = 2 * Double(t * rank) * Double(2 * input + 4 * output) / lora
        print("one block: attention forward \(String(format: "%.1f", attention * 1000)) ms, backward \(String(format: "%.1f", attentionBackward * 1000)) ms; "
              + "one LoRA pair's six products \(String(format: "%.1f", lora * 1000)) ms (\(String(format: "%.1f", loraFlops / 1e9)) GFLOP/s)")
        print("float multiply-add peak (2 threads, \(String(cString: ck_kernel_path()))): \(String(format: "%.1f", peak / 1e9)) GFLOP/s; transposed product: "
              + report.joined(separator: "; "))
    }
}
