/// The text must become one of a few given strings: each next token has to keep it
/// a start of one of them. A task's grammar for short answers, e.g. a puzzle move
/// "4 + 8 =" written only with the numbers that are left.
public struct ChoiceConstraint: TokenConstraint {
    /// The strings the text may become.
    public let choices: [String]
    private let candidates: ChoiceCandidates

    /// The constraint that the text becomes one of `choices`, choosing among `candidates`
    /// (built for an alphabet that covers every choice).
    public init(choices: [String], candidates: ChoiceCandidates) {
        self.choices = choices
        self.candidates = candidates
    }

    /// The candidate tokens after which `text` is still the start of a choice.
    public func allowedTokens(after text: String) -> TokenSet? {
        var allowed = TokenSet(capacity: candidates.vocabularySize)
        for (id, piece) in candidates.tokens {
            let extended = text + piece
            if choices.contains(where: { $0.hasPrefix(extended) }) { allowed.insert(id) }
        }
        return allowed
    }
}

/// The tokens of a vocabulary made only of the characters some choices can use:
/// found once (a pass over the whole vocabulary), then shared by every
/// `ChoiceConstraint` over that alphabet.
public struct ChoiceCandidates: Sendable {
    let tokens: [(id: Int, piece: String)]
    let vocabularySize: Int

    /// The tokens of `vocabulary` made only of characters in `alphabet`.
    public init(vocabulary: TokenVocabulary, alphabet: Set<Character>) {
        vocabularySize = vocabulary.count
        tokens = vocabulary.pieces.enumerated().compactMap { id, piece in
            guard let piece, !piece.isEmpty, piece.allSatisfy(alphabet.contains) else { return nil }
            return (id, piece)
        }
    }
}
