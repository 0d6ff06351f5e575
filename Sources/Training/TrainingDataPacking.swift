import Inference

/// Conversations laid end to end in one sequence of at most the context length: what
/// one forward pass reads.
public struct PackedSequence: Sendable, Equatable {
    /// The conversations' tokens, one after another.
    public let tokens: [TokenID]
    /// `lossMask[t]`: token `t` is a target.
    public let lossMask: [Bool]
    /// The training-file lines of the conversations, in order.
    public let lines: [Int]

    /// A sequence of `tokens` with its mask, made of the conversations on `lines`.
    public init(tokens: [TokenID], lossMask: [Bool], lines: [Int]) {
        self.tokens = tokens
        self.lossMask = lossMask
        self.lines = lines
    }
}

/// Packing conversations into sequences, and the held-out validation split.
///
/// A conversation is never split across sequences (each fits the context: the encoder
/// checked). The packed conversations see each other through causal attention, as with
/// most trainers' packing; every conversation starts with its template's own opening.
public enum TrainingDataPacking {
    /// `conversations` in the order given, packed next-fit: a new sequence starts when
    /// the next conversation does not fit in `context` tokens.
    public static func pack(_ conversations: [EncodedConversation], context: Int) -> [PackedSequence] {
        var sequences: [PackedSequence] = []
        var tokens: [TokenID] = [], mask: [Bool] = [], lines: [Int] = []
        for conversation in conversations {
            if !tokens.isEmpty, tokens.count + conversation.tokens.count > context {
                sequences.append(PackedSequence(tokens: tokens, lossMask: mask, lines: lines))
                tokens = []; mask = []; lines = []
            }
            tokens += conversation.tokens
            mask += conversation.lossMask
            lines.append(conversation.line)
        }
        if !tokens.isEmpty { sequences.append(PackedSequence(tokens: tokens, lossMask: mask, lines: lines)) }
        return sequences
    }

    /// `sequences` grouped into optimiser steps: each step takes sequences until it holds
    /// at least `batchTokens` tokens (gradient accumulation); the last may hold fewer.
    public static func batches(_ sequences: [PackedSequence], batchTokens: Int) -> [[PackedSequence]] {
        var batches: [[PackedSequence]] = []
        var current: [PackedSequence] = []
        var count = 0
        for sequence in sequences {
            current.append(sequence)
            count += sequence.tokens.count
            if count >= batchTokens {
                batches.append(current)
                current = []
                count = 0
            }
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// The conversations split into training and held-out validation ones: a share of
    /// `fraction` (rounded, at least one when there are two or more and `fraction` > 0,
    /// never all) chosen by `seed`. Both keep the file's order.
    public static func split<Item>(
        _ items: [Item], validationFraction fraction: Double, seed: UInt64
    ) -> (training: [Item], validation: [Item]) {
        guard fraction > 0, items.count >= 2 else { return (items, []) }
        let count = min(items.count - 1, max(1, Int((Double(items.count) * fraction).rounded())))
        var generator = SeededGenerator(seed: seed ^ RandomStreams.validationSplit)
        let held = Set(shuffledIndices(items.count, using: &generator).prefix(count))
        var training: [Item] = [], validation: [Item] = []
        for (index, item) in items.enumerated() {
            if held.contains(index) { validation.append(item) } else { training.append(item) }
        }
        return (training, validation)
    }

    /// `0..<count` in the order of a Fisher–Yates shuffle driven by `generator`, written
    /// out so the order depends only on the generator (not on the standard library's
    /// shuffle, which may change between releases).
    static func shuffledIndices(_ count: Int, using generator: inout SeededGenerator) -> [Int] {
        var indices = Array(0..<count)
        guard count > 1 else { return indices }
        for index in stride(from: count - 1, to: 0, by: -1) {
            let other = Int(generator.next() % UInt64(index + 1))
            indices.swapAt(index, other)
        }
        return indices
    }
}

/// Constants mixed into the seed so each use of randomness has its own stream.
enum RandomStreams {
    /// Which conversations are held out.
    static let validationSplit: UInt64 = 0x5641_4C49_4441_5445
    /// The order of the conversations in an epoch (mixed with the epoch's number).
    static let epochOrder: UInt64 = 0x4550_4F43_484F_5244
}
