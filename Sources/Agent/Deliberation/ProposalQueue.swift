import Foundation

/// The thoughts to propose from one state, in the order a sample without
/// replacement from the proposer's distribution draws them.
///
/// Gumbel-top-k: adding an independent Gumbel(0, 1) draw to each candidate's
/// log-probability and sorting by the sum gives the order of sampling without
/// replacement in proportion to the probabilities (Kool et al., 2019), from one
/// seed and in one pass. Proposing stops when the candidates not yet proposed
/// hold less than `leftoverMass` of the distribution: what is left is what the
/// model finds (nearly) impossible.
struct ProposalQueue: Sendable {
    /// The candidates, in the order they are proposed.
    let order: [String]
    /// Each candidate's probability (normalised over the candidates), in `order`.
    let probabilities: [Double]
    let leftoverMass: Double
    private(set) var proposed = 0

    /// A queue over `candidates` with their `logProbabilities` (equal ones: a
    /// uniformly random order), drawn with `seed`.
    init(candidates: [String], logProbabilities: [Double], seed: UInt64, leftoverMass: Double) {
        var random = SplitMix64(seed: seed)
        let top = logProbabilities.max() ?? 0
        let weights = logProbabilities.map { exp($0 - top) }
        let total = weights.reduce(0, +)
        let keyed = candidates.indices.map { index in
            (index, logProbabilities[index] + random.nextGumbel())
        }
        let sorted = keyed.sorted { $0.1 > $1.1 }.map(\.0)
        order = sorted.map { candidates[$0] }
        probabilities = sorted.map { total > 0 ? weights[$0] / total : 1 / Double(candidates.count) }
        self.leftoverMass = leftoverMass
    }

    /// The probability mass of the candidates not yet proposed.
    var remainingMass: Double {
        probabilities[proposed...].reduce(0, +)
    }

    /// True when nothing is left worth proposing.
    var isExhausted: Bool {
        proposed >= order.count || remainingMass < leftoverMass
    }

    /// The next candidate, or nil when the queue is exhausted.
    mutating func next() -> String? {
        guard !isExhausted else { return nil }
        defer { proposed += 1 }
        return order[proposed]
    }
}

/// A small seeded generator (SplitMix64): the same seed, the same proposals.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A draw from Gumbel(0, 1): −log(−log U), U uniform in (0, 1).
    mutating func nextGumbel() -> Double {
        let uniform = (Double(next() >> 11) + 0.5) / Double(1 << 53)
        return -log(-log(uniform))
    }
}
