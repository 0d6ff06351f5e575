import Inference

/// Every optimiser step of a run worked out before the first: which packed sequences
/// each step reads, epoch by epoch, and the held-out sequences of the validation loss.
/// A run is this plan and the seed; resuming at step k reads the same plan from step k.
public struct TrainingPlan: Sendable, Equatable {
    /// The sequences each step accumulates gradients over.
    public let steps: [[PackedSequence]]
    /// The epoch (0-based) each step belongs to.
    public let epochOfStep: [Int]
    /// The held-out sequences (empty: no validation loss).
    public let validation: [PackedSequence]
    /// Conversations trained on, and held out.
    public let trainingConversations: Int, validationConversations: Int

    /// The plan for `conversations` under `options`: the validation split, then for each
    /// epoch the training conversations shuffled (seeded by the seed and the epoch), packed
    /// to the context and grouped into steps of `batchTokens`, until the epochs or the
    /// steps are done.
    public init(conversations: [EncodedConversation], options: TrainingOptions) {
        let (training, held) = TrainingDataPacking.split(
            conversations, validationFraction: options.validationFraction, seed: options.seed)
        var steps: [[PackedSequence]] = []
        var epochs: [Int] = []
        var epoch = 0
        func wanted() -> Bool {
            switch options.length {
            case .epochs(let count): return epoch < count
            case .steps(let count): return steps.count < count
            }
        }
        while !training.isEmpty, wanted() {
            var generator = SeededGenerator(seed: (options.seed ^ RandomStreams.epochOrder) &+ UInt64(epoch))
            let order = TrainingDataPacking.shuffledIndices(training.count, using: &generator).map { training[$0] }
            let sequences = TrainingDataPacking.pack(order, context: options.context)
            for batch in TrainingDataPacking.batches(sequences, batchTokens: options.effectiveBatchTokens) {
                if case .steps(let count) = options.length, steps.count >= count { break }
                steps.append(batch)
                epochs.append(epoch)
            }
            epoch += 1
        }
        self.steps = steps
        epochOfStep = epochs
        validation = TrainingDataPacking.pack(held, context: options.context)
        trainingConversations = training.count
        validationConversations = held.count
    }

    /// Steps in the run.
    public var totalSteps: Int { steps.count }

    /// A hash of every token, mask bit and step boundary: equal plans, equal runs.
    public var fingerprint: UInt64 {
        var hash = FNV1a()
        for step in steps {
            hash.add(0xFFFF_FFF1)
            for sequence in step { hash.add(sequence) }
        }
        hash.add(0xFFFF_FFF2)
        for sequence in validation { hash.add(sequence) }
        return hash.value
    }
}

/// FNV-1a over 64 bits: a fast, stable hash (unlike `Hasher`, the same in every process).
struct FNV1a {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ word: UInt64) {
        var word = word
        for _ in 0..<8 {
            value = (value ^ (word & 0xFF)) &* 0x0000_0100_0000_01B3
            word >>= 8
        }
    }

    mutating func add(_ sequence: PackedSequence) {
        add(0xFFFF_FFF0)
        for (token, target) in zip(sequence.tokens, sequence.lossMask) {
            add(UInt64(UInt32(bitPattern: token)) << 1 | (target ? 1 : 0))
        }
    }
}
