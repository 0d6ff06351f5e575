import Foundation
import Inference
@testable import Training

/// A bigram language model small enough to check by hand: the logits after token `a`
/// are row `a` of a table plus a bias. Its gradients are exact, so the loop's arithmetic
/// (accumulation, averaging, clipping, AdamW, checkpoints) is what the tests see.
final class BigramToyModel: TrainableModel {
    let vocabularySize: Int
    let table: TrainableTensor
    let bias: TrainableTensor
    /// When set, every pass reports a NaN loss (to test divergence).
    var poisoned = false
    /// Sequences passed to `accumulateGradients`, in order.
    private(set) var trainedSequences: [[TokenID]] = []

    /// A model over `vocabularySize` tokens with small random weights drawn from `seed`.
    init(vocabularySize: Int, seed: UInt64) {
        self.vocabularySize = vocabularySize
        var generator = SeededGenerator(seed: seed)
        func random() -> Float { Float(generator.next() >> 40) / Float(1 << 24) * 0.2 - 0.1 }
        table = TrainableTensor(name: "bigram", rows: vocabularySize, columns: vocabularySize, values: (0..<(vocabularySize * vocabularySize)).map { _ in random() })
        bias = TrainableTensor(name: "bias", rows: 1, columns: vocabularySize, values: (0..<vocabularySize).map { _ in random() })
    }

    var parameters: [TrainableTensor] { [table, bias] }

    func zeroGradients() {
        for tensor in parameters { tensor.gradients = [Float](repeating: 0, count: tensor.values.count) }
    }

    func accumulateGradients(tokens: [TokenID], lossMask: [Bool]) throws(TrainingError) -> (lossSum: Double, count: Int) {
        trainedSequences.append(tokens)
        return try pass(tokens: tokens, lossMask: lossMask, backward: true)
    }

    func loss(tokens: [TokenID], lossMask: [Bool]) throws(TrainingError) -> (lossSum: Double, count: Int) {
        try pass(tokens: tokens, lossMask: lossMask, backward: false)
    }

    func writeAdapter(to path: String) throws {
        let values = parameters.flatMap(\.values).map { $0.bitPattern }
        try JSONEncoder().encode(values).write(to: URL(fileURLWithPath: path))
    }

    /// Cross-entropy of softmax(table[a] + bias) at each counted position, and its gradient.
    private func pass(tokens: [TokenID], lossMask: [Bool], backward: Bool) throws(TrainingError) -> (lossSum: Double, count: Int) {
        guard tokens.count >= 2 else { throw .sequenceTooShort(tokens: tokens.count) }
        guard lossMask.count == tokens.count else { throw .maskLength(mask: lossMask.count, tokens: tokens.count) }
        var lossSum = 0.0, count = 0
        for position in 0..<(tokens.count - 1) where lossMask[position] {
            let previous = Int(tokens[position]), next = Int(tokens[position + 1])
            let logits = (0..<vocabularySize).map { table.values[previous * vocabularySize + $0] + bias.values[$0] }
            let largest = logits.max() ?? 0
            let exponentials = logits.map { Foundation.exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            lossSum += Double(Foundation.log(total) - (logits[next] - largest))
            count += 1
            if backward {
                for j in 0..<vocabularySize {
                    let gradient = exponentials[j] / total - (j == next ? 1 : 0)
                    table.gradients[previous * vocabularySize + j] += gradient
                    bias.gradients[j] += gradient
                }
            }
        }
        return (poisoned ? .nan : lossSum, count)
    }
}

/// Conversations for the toy: token sequences that follow a fixed cycle (learnable),
/// the second half of each the target.
enum ToyData {
    static func conversations(count: Int, length: Int = 8, vocabularySize: Int = 6) -> [EncodedConversation] {
        (0..<count).map { index in
            let tokens = (0..<length).map { TokenID((index + $0 * 2) % vocabularySize) }
            return EncodedConversation(line: index + 1, tokens: tokens, lossMask: (0..<length).map { $0 >= length / 2 })
        }
    }

    static func options(steps: Int) -> TrainingOptions {
        var options = TrainingOptions()
        options.length = .steps(steps)
        options.context = 16
        options.batchTokens = 32
        options.learningRate = 0.1
        options.validationFraction = 0.2
        options.seed = 11
        options.evaluateEvery = 4
        options.optimizer.weightDecay = 0.01
        return options
    }

    /// A fresh temporary directory.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-training-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
