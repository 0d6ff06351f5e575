/// A set of token ids, as bits: the tokens a constrained generation may pick next.
public struct TokenSet: Sendable, Equatable {
    /// Bit `id % 64` of word `id / 64` is set when `id` is in the set.
    public private(set) var words: [UInt64]
    /// Ids range over `0..<capacity` (the vocabulary size).
    public let capacity: Int

    /// An empty set for a vocabulary of `capacity` tokens.
    public init(capacity: Int) {
        self.capacity = capacity
        words = Array(repeating: 0, count: (capacity + 63) / 64)
    }

    /// The set of `ids` (ids outside `0..<capacity` are ignored).
    public init(capacity: Int, ids: some Sequence<Int>) {
        self.init(capacity: capacity)
        for id in ids { insert(id) }
    }

    /// Adds `id`; ids outside `0..<capacity` are ignored.
    public mutating func insert(_ id: Int) {
        guard id >= 0, id < capacity else { return }
        words[id >> 6] |= 1 << UInt64(id & 63)
    }

    /// Whether `id` is in the set.
    public func contains(_ id: Int) -> Bool {
        id >= 0 && id < capacity && words[id >> 6] & (1 << UInt64(id & 63)) != 0
    }

    /// Whether no token is in the set.
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// How many tokens are in the set.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The tokens in either set.
    public func union(_ other: TokenSet) -> TokenSet {
        precondition(capacity == other.capacity, "token sets of different vocabularies")
        var result = self
        for index in words.indices { result.words[index] |= other.words[index] }
        return result
    }
}

extension TokenSet {
    /// Every token of a vocabulary of `capacity` tokens, control tokens included.
    public static func all(capacity: Int) -> TokenSet {
        TokenSet(capacity: capacity, ids: 0..<capacity)
    }

    /// Removes `id`.
    public mutating func remove(_ id: Int) {
        guard id >= 0, id < capacity else { return }
        words[id >> 6] &= ~(1 << UInt64(id & 63))
    }
}
