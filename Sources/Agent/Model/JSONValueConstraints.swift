/// The text of a JSON string after its opening quote: characters that need no
/// escape (no quote, backslash, control character, nor the `<` and `>` of markers),
/// at least one that is not a space, at most `maximumLength`, then the closing quote.
///
/// Built once per vocabulary (a pass over every token); a step only compares lengths.
public struct JSONStringConstraint: TokenConstraint {
    /// Characters of content before only the closing quote is allowed.
    public let maximumLength: Int
    /// Tokens of content only.
    private let content: TokenSet
    /// Tokens of content with a non-space character, then the closing quote.
    private let contentThenQuote: TokenSet
    /// Tokens of spaces (possibly none) then the closing quote.
    private let quoteAfterSpaces: TokenSet
    /// The token that is the quote alone (nil if the vocabulary has none).
    private let quoteOnly: TokenSet

    /// The constraint for `vocabulary`, with strings of at most `maximumLength` characters.
    public init(vocabulary: TokenVocabulary, maximumLength: Int) {
        self.maximumLength = maximumLength
        var content = TokenSet(capacity: vocabulary.count)
        var contentThenQuote = TokenSet(capacity: vocabulary.count)
        var quoteAfterSpaces = TokenSet(capacity: vocabulary.count)
        var quoteOnly = TokenSet(capacity: vocabulary.count)
        for (id, piece) in vocabulary.pieces.enumerated() {
            guard let piece, !piece.isEmpty else { continue }
            if piece.allSatisfy(Self.isContent) {
                content.insert(id)
            } else if piece.last == "\"", piece.dropLast().allSatisfy(Self.isContent) {
                if piece == "\"" { quoteOnly.insert(id) }
                if piece.dropLast().allSatisfy({ $0 == " " }) {
                    quoteAfterSpaces.insert(id)
                } else {
                    contentThenQuote.insert(id)
                }
            }
        }
        self.content = content
        self.contentThenQuote = contentThenQuote
        self.quoteAfterSpaces = quoteAfterSpaces
        self.quoteOnly = quoteOnly
    }

    /// Whether `character` may stand in a string unescaped (and inside a marker).
    static func isContent(_ character: Character) -> Bool {
        !(character == "\"" || character == "\\" || character == "<" || character == ">" || character.isNewline
            || character.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
    }

    /// Content first; the quote once a non-space character is written; only the quote
    /// at the limit.
    public func allowedTokens(after text: String) -> TokenSet? {
        let written = !text.allSatisfy { $0 == " " }
        if text.count >= maximumLength { return written ? quoteOnly.union(quoteAfterSpaces) : quoteOnly }
        var allowed = content.union(contentThenQuote)
        if written { allowed = allowed.union(quoteAfterSpaces) }
        return allowed
    }
}

/// A JSON number then one character that ends it (`,` or `}`): `-?digits(.digits)?`,
/// at most `maximumLength` characters, whole numbers only when `integer`.
public struct JSONNumberConstraint: TokenConstraint {
    /// What ends the number.
    public let terminator: Character
    /// Whole numbers only.
    public let integer: Bool
    /// Characters of the number at most.
    public let maximumLength: Int
    private let candidates: ChoiceCandidates

    /// The constraint of a number ended by `terminator`, choosing among `candidates`
    /// (built for an alphabet of digits, "-", "." and the terminator).
    public init(terminator: Character, integer: Bool, maximumLength: Int = 18, candidates: ChoiceCandidates) {
        self.terminator = terminator
        self.integer = integer
        self.maximumLength = maximumLength
        self.candidates = candidates
    }

    /// The characters such a number and its ending use.
    public static func alphabet(terminator: Character) -> Set<Character> {
        Set("0123456789-." + String(terminator))
    }

    /// The tokens after which the text is still the start of a number and its ending.
    public func allowedTokens(after text: String) -> TokenSet? {
        var allowed = TokenSet(capacity: candidates.vocabularySize)
        for (id, piece) in candidates.tokens where accepts(text + piece) {
            allowed.insert(id)
        }
        return allowed
    }

    /// Whether `text` is a start of a number, or a whole number followed by the terminator.
    func accepts(_ text: String) -> Bool {
        if let end = text.firstIndex(of: terminator) {
            return text.index(after: end) == text.endIndex && Self.isComplete(text[..<end], integer: integer)
        }
        return text.count <= maximumLength && Self.isPrefix(Substring(text), integer: integer)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`
    static func isComplete(_ text: Substring, integer: Bool) -> Bool {
        guard isPrefix(text, integer: integer), let last = text.last, last.isASCII, last.isNumber else { return false }
        return true
    }

    /// A start of `-?(0|[1-9][0-9]*)(\.[0-9]+)?`.
    static func isPrefix(_ text: Substring, integer: Bool) -> Bool {
        var rest = text
        if rest.first == "-" { rest = rest.dropFirst() }
        let whole = rest.prefix { $0.isASCII && $0.isNumber }
        if whole.count > 1, whole.first == "0" { return false }
        rest = rest.dropFirst(whole.count)
        if rest.isEmpty { return true }
        guard !integer, !whole.isEmpty, rest.first == "." else { return false }
        return rest.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }
}

/// A copy of a span of some sources (`CopyConstraint`) as a JSON string's content:
/// where the copy could end with a newline it may end with the closing quote instead.
/// The sources should hold no character a JSON string or a marker cannot (see
/// `quotable(_:)`).
public struct QuotedCopyConstraint: TokenConstraint {
    private let copy: CopyConstraint
    private let newlines: [Int]
    private let quotes: TokenSet

    /// The copy of `sources` (made quotable) under `candidates`, ended by a quote
    /// token of `vocabulary`.
    public init(sources: [String], candidates: CopyCandidates, vocabulary: TokenVocabulary) {
        copy = CopyConstraint(sources: sources.map(Self.quotable), minimumLength: 1, candidates: candidates)
        newlines = candidates.newlines
        quotes = TokenSet(capacity: vocabulary.count, ids: vocabulary.pieces.indices.filter { vocabulary.pieces[$0] == "\"" })
    }

    /// `text` with each character a string or a marker cannot hold unescaped made a space.
    public static func quotable(_ text: String) -> String {
        String(text.map { JSONStringConstraint.isContent($0) || $0 == "\n" ? $0 : " " })
    }

    /// The copy's tokens; the quote where the copy may end.
    public func allowedTokens(after text: String) -> TokenSet? {
        guard var allowed = copy.allowedTokens(after: text) else { return nil }
        var mayEnd = false
        for id in newlines where allowed.contains(id) {
            allowed.remove(id)
            mayEnd = true
        }
        return mayEnd ? allowed.union(quotes) : allowed
    }
}
