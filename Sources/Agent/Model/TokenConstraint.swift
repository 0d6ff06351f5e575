/// Restricts what a model may write next, given what it has written so far in
/// the current generation.
public protocol TokenConstraint: Sendable {
    /// The tokens allowed after `text` (the text generated so far by this request);
    /// nil allows every token.
    func allowedTokens(after text: String) -> TokenSet?
}

/// The content of a tool marker: characters from the tool's alphabet, at most a
/// given length, then the closing marker written out properly.
///
/// Built once per vocabulary: every token is classified up front, so choosing the
/// allowed set at a step only looks at the end of the text written so far.
public struct MarkerContentConstraint: TokenConstraint {
    /// The closing marker, e.g. "</calc>"; its first character must be outside the alphabet.
    public let closing: String
    /// How many characters of content before only the closing marker is allowed.
    public let maximumLength: Int
    /// Tokens made only of alphabet characters.
    private let content: TokenSet
    /// Tokens that are alphabet characters (possibly none) followed by the start of
    /// the closing marker (possibly all of it).
    private let contentThenClosing: TokenSet
    /// `continuing[k]`: tokens that continue a closing marker whose first `k`
    /// characters are written (k ≥ 1).
    private let continuing: [TokenSet]
    /// Tokens that start the closing marker right away.
    private let closingOnly: TokenSet

    /// The constraint for a tool's content in `alphabet`, at most `maximumLength` characters,
    /// then `closing`; the closing marker must start with a character outside the alphabet.
    public init(vocabulary: TokenVocabulary, alphabet: Set<Character>, closing: String, maximumLength: Int) {
        precondition(!closing.isEmpty && !alphabet.contains(closing.first!), "the closing marker must start outside the alphabet")
        self.closing = closing
        self.maximumLength = maximumLength
        let closingCharacters = Array(closing)
        var content = TokenSet(capacity: vocabulary.count)
        var contentThenClosing = TokenSet(capacity: vocabulary.count)
        var closingOnly = TokenSet(capacity: vocabulary.count)
        var continuing = Array(repeating: TokenSet(capacity: vocabulary.count), count: closingCharacters.count)
        for (id, piece) in vocabulary.pieces.enumerated() {
            guard let piece, !piece.isEmpty else { continue }
            let characters = Array(piece)
            let alphabetPrefix = characters.prefix { alphabet.contains($0) }.count
            let rest = characters[alphabetPrefix...]
            if rest.isEmpty {
                content.insert(id)
            } else if rest.count <= closingCharacters.count, closingCharacters.starts(with: rest) {
                contentThenClosing.insert(id)
                if alphabetPrefix == 0 { closingOnly.insert(id) }
            }
            // Checked for every token: the marker's later characters ("/") may also
            // be in the alphabet.
            for written in 1..<closingCharacters.count {
                let remaining = closingCharacters[written...]
                if characters.count <= remaining.count, remaining.starts(with: characters) {
                    continuing[written].insert(id)
                }
            }
        }
        self.content = content
        self.contentThenClosing = contentThenClosing
        self.continuing = continuing
        self.closingOnly = closingOnly
    }

    /// Content tokens first; then content or the closing marker while there is room, only
    /// the closing marker at the limit, and only its continuation once it has begun.
    public func allowedTokens(after text: String) -> TokenSet? {
        let written = Array(text.suffix(closing.count))
        // Part of the closing marker is written: only its continuation may follow.
        if let start = written.firstIndex(of: closing.first!) {
            let partial = written[start...]
            if partial.count < closing.count, closing.starts(with: partial) {
                return continuing[partial.count]
            }
        }
        let contentLength = text.count
        if contentLength == 0 || text.allSatisfy(\.isWhitespace) { return content }
        if contentLength >= maximumLength { return closingOnly }
        return content.union(contentThenClosing)
    }
}
