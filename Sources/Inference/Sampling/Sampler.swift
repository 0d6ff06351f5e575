import Foundation

/// Chooses next tokens: optional mask → repetition penalty → (greedy, or top-k →
/// top-p → min-p → temperature → a seeded random draw).
public struct Sampler: Sendable {
    /// How this sampler chooses.
    public let parameters: SamplingParameters
    private var generator: SeededGenerator

    /// A sampler whose random draws are seeded with `parameters.seed`.
    public init(parameters: SamplingParameters) {
        self.parameters = parameters
        generator = SeededGenerator(seed: parameters.seed)
    }

    /// The next token for `logits` (one row of the vocabulary), given the tokens so far.
    public mutating func sample(_ logits: [Float], history: [TokenID] = [], mask: TokenMask? = nil) -> TokenID {
        // Plain greedy decoding needs no copy of the logits.
        if parameters.temperature <= 0 && mask == nil && parameters.repetitionPenalty == 1 {
            return Self.argmax(logits)
        }
        var logits = logits
        mask?.apply(to: &logits)
        applyRepetitionPenalty(&logits, history: history)
        if parameters.temperature <= 0 {
            return Self.argmax(logits)
        }
        // Candidates sorted by logit, best first.
        var candidates = logits.indices.filter { logits[$0] > -.infinity }
        guard !candidates.isEmpty else { return Self.argmax(logits) }
        if parameters.topK > 0 && parameters.topK < candidates.count {
            candidates = Self.topIndices(logits, among: candidates, count: parameters.topK)
        } else {
            candidates.sort { logits[$0] > logits[$1] }
        }
        var probabilities = Self.softmax(candidates.map { logits[$0] })
        // top-p: the smallest prefix reaching the mass.
        if parameters.topP < 1 {
            var mass: Float = 0
            var keep = candidates.count
            for (i, p) in probabilities.enumerated() {
                mass += p
                if mass >= parameters.topP { keep = i + 1; break }
            }
            candidates.removeSubrange(keep...)
            probabilities.removeSubrange(keep...)
        }
        // min-p: relative to the best.
        if parameters.minP > 0, let best = probabilities.first {
            let keep = max(1, probabilities.firstIndex { $0 < best * parameters.minP } ?? probabilities.count)
            candidates.removeSubrange(keep...)
        }
        let scaled = Self.softmax(candidates.map { logits[$0] / parameters.temperature })
        var draw = Float(Double(generator.next() >> 11) / Double(1 << 53))
        for (candidate, p) in zip(candidates, scaled) {
            draw -= p
            if draw < 0 { return TokenID(candidate) }
        }
        return TokenID(candidates.last!)
    }

    private func applyRepetitionPenalty(_ logits: inout [Float], history: [TokenID]) {
        guard parameters.repetitionPenalty != 1, parameters.repetitionWindow > 0 else { return }
        for id in Set(history.suffix(parameters.repetitionWindow)) where id >= 0 && Int(id) < logits.count {
            let value = logits[Int(id)]
            logits[Int(id)] = value > 0 ? value / parameters.repetitionPenalty : value * parameters.repetitionPenalty
        }
    }

    /// Index of the largest logit (the first of equals).
    public static func argmax(_ logits: [Float]) -> TokenID {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        return TokenID(best)
    }

    /// log-softmax of the logits: the log-probability of every token.
    public static func logProbabilities(_ logits: [Float]) -> [Float] {
        let maximum = logits.max() ?? 0
        var sum: Double = 0
        for value in logits { sum += Double(expf(value - maximum)) }
        let logSum = Float(log(sum)) + maximum
        return logits.map { $0 - logSum }
    }

    /// The `count` most likely tokens given their log-probabilities, best first.
    public static func mostLikely(_ logProbabilities: [Float], count: Int) -> [TokenProbability] {
        topIndices(logProbabilities, among: Array(logProbabilities.indices), count: min(count, logProbabilities.count))
            .map { TokenProbability(token: TokenID($0), logProbability: logProbabilities[$0]) }
    }

    static func softmax(_ values: [Float]) -> [Float] {
        let maximum = values.max() ?? 0
        let exponentials = values.map { expf($0 - maximum) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }

    /// The `count` indices with the largest logits, best first.
    static func topIndices(_ logits: [Float], among candidates: [Int], count: Int) -> [Int] {
        // A partial selection: keep a sorted list of at most `count` entries.
        var best: [Int] = []
        best.reserveCapacity(count + 1)
        for index in candidates {
            if best.count == count, let last = best.last, logits[index] <= logits[last] { continue }
            let position = best.firstIndex { logits[$0] < logits[index] } ?? best.count
            best.insert(index, at: position)
            if best.count > count { best.removeLast() }
        }
        return best
    }
}
