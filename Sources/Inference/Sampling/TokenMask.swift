/// The tokens allowed at the next step; the rest get probability zero. The planner
/// uses it to constrain what a model may write inside a tool call.
public struct TokenMask: Sendable, Equatable {
    private var bits: [UInt64]
    /// Ids from 0 up to (not including) this are covered; later ids are never allowed.
    public let vocabularySize: Int

    /// A mask allowing exactly `allowed`.
    public init(vocabularySize: Int, allowed: some Sequence<TokenID>) {
        self.vocabularySize = vocabularySize
        bits = Array(repeating: 0, count: (vocabularySize + 63) / 64)
        for id in allowed where id >= 0 && Int(id) < vocabularySize {
            bits[Int(id) / 64] |= 1 << UInt64(Int(id) % 64)
        }
    }

    /// A mask from bits: bit `id % 64` of `words[id / 64]` allows `id`; ids past the
    /// words are not allowed.
    public init(vocabularySize: Int, words: [UInt64]) {
        self.vocabularySize = vocabularySize
        let count = (vocabularySize + 63) / 64
        bits = Array(words.prefix(count)) + Array(repeating: 0, count: max(0, count - words.count))
    }

    /// A mask allowing the tokens for which `isAllowed` is true.
    public init(vocabularySize: Int, where isAllowed: (TokenID) -> Bool) {
        self.init(vocabularySize: vocabularySize, allowed: (0..<Int32(vocabularySize)).filter(isAllowed))
    }

    /// Whether `id` may be chosen.
    public func allows(_ id: TokenID) -> Bool {
        id >= 0 && Int(id) < vocabularySize && bits[Int(id) / 64] & (1 << UInt64(Int(id) % 64)) != 0
    }

    /// Sets the logits of disallowed tokens to −∞.
    public func apply(to logits: inout [Float]) {
        for id in 0..<min(logits.count, vocabularySize) where !allows(TokenID(id)) {
            logits[id] = -.infinity
        }
    }
}
