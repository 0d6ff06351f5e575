/// The text of every token of a model, for building token constraints.
public struct TokenVocabulary: Sendable {
    /// `pieces[id]` is the token's text; nil for control tokens and for tokens that
    /// are not whole UTF-8 text on their own (single bytes of a longer character).
    public let pieces: [String?]

    /// A vocabulary with the given token texts, indexed by id.
    public init(pieces: [String?]) {
        self.pieces = pieces
    }

    /// The vocabulary size.
    public var count: Int { pieces.count }
}
