/// The text of every token of a model, for building token constraints.
public struct TokenVocabulary: Sendable {
    /// `pieces[id]` is the token's text; nil for control tokens and for tokens that
    /// are not whole UTF-8 text on their own (single bytes of a longer character).
    public let pieces: [String?]

    public init(pieces: [String?]) {
        self.pieces = pieces
    }

    public var count: Int { pieces.count }
}
