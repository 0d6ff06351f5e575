/// The text must be a copy of a contiguous span of one of some source texts (passages of
/// a page), starting at the start of a word; one space may come before it, since BPE and
/// SentencePiece pieces often carry the space before a word (" Tom"). Once at least
/// `minimumLength` characters are copied and the copy ends where a word ends in the
/// source, a newline token may end it (the planner stops generating at "\n").
///
/// Each step finds where in the sources the copy written so far ends and allows the
/// tokens whose text continues the source there — looked up by text in
/// `CopyCandidates`, never by scanning the vocabulary.
public struct CopyConstraint: TokenConstraint {
    /// The texts to copy from, each line a source of its own.
    public let sources: [String]
    /// How many characters must be copied before a newline may end the copy.
    public let minimumLength: Int
    private let candidates: CopyCandidates
    /// Each source line as UTF-8, with where its words start and end.
    private let lines: [SourceLine]
    /// The tokens allowed first, and after a lone leading space.
    private let opening: TokenSet
    private let openingAfterSpace: TokenSet

    /// The constraint that the text copies a span of `sources`, choosing tokens among
    /// `candidates` (built once for the model's vocabulary).
    public init(sources: [String], minimumLength: Int = 1, candidates: CopyCandidates) {
        self.sources = sources
        self.minimumLength = minimumLength
        self.candidates = candidates
        lines = sources.flatMap { $0.split(whereSeparator: \.isNewline) }.map { SourceLine(Array($0.utf8)) }
        var opening = TokenSet(capacity: candidates.vocabularySize)
        var openingAfterSpace = TokenSet(capacity: candidates.vocabularySize)
        for line in lines {
            for start in line.wordStarts {
                candidates.insertPieces(of: line.bytes, from: start, into: &openingAfterSpace)
                candidates.insertPieces(of: line.bytes, from: start, afterSpace: true, into: &opening)
            }
        }
        if !lines.isEmpty, let space = candidates.space {
            for id in space { opening.insert(id) }
        }
        self.opening = opening.union(openingAfterSpace)
        self.openingAfterSpace = openingAfterSpace
    }

    /// The tokens that keep `text` a copy, and the newline tokens when it may end here.
    public func allowedTokens(after text: String) -> TokenSet? {
        if text.isEmpty { return opening }
        var copied = Array(text.utf8)
        if copied.first == UInt8(ascii: " ") { copied.removeFirst() }
        if copied.isEmpty { return openingAfterSpace }
        var allowed = TokenSet(capacity: candidates.vocabularySize)
        var mayEnd = false
        for line in lines {
            for start in line.wordStarts where line.bytes.count - start >= copied.count {
                guard line.bytes[start..<start + copied.count].elementsEqual(copied) else { continue }
                let end = start + copied.count
                candidates.insertPieces(of: line.bytes, from: end, into: &allowed)
                if line.isWordEnd(end) { mayEnd = true }
            }
        }
        if mayEnd, String(decoding: copied, as: UTF8.self).count >= minimumLength {
            for id in candidates.newlines { allowed.insert(id) }
        }
        return allowed
    }
}

/// One line of a source: its UTF-8 bytes, and which bytes belong to words (letters
/// and digits, with the "," or "." inside a number such as "653,148").
private struct SourceLine: Sendable {
    let bytes: [UInt8]
    /// `isWord[i]`: byte `i` belongs to a letter or digit, or joins two digits.
    let isWord: [Bool]
    /// Where words start: word bytes after a non-word byte (or at the line's start).
    let wordStarts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var isWord = Array(repeating: false, count: bytes.count)
        var isDigit = Array(repeating: false, count: bytes.count)
        var offset = 0
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            let length = UTF8.width(scalar)
            let word = scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            for position in offset..<min(offset + length, bytes.count) {
                isWord[position] = word
                isDigit[position] = ("0"..."9").contains(scalar)
            }
            offset += length
        }
        for position in bytes.indices where bytes[position] == UInt8(ascii: ",") || bytes[position] == UInt8(ascii: ".") {
            if position > 0, position + 1 < bytes.count, isDigit[position - 1], isDigit[position + 1] { isWord[position] = true }
        }
        self.isWord = isWord
        wordStarts = bytes.indices.filter { isWord[$0] && ($0 == 0 || !isWord[$0 - 1]) && !Self.isContinuation(bytes[$0]) }
    }

    /// Whether a copy ending before byte `end` ends where a word ends (or between non-word bytes).
    func isWordEnd(_ end: Int) -> Bool {
        end == 0 || end >= bytes.count || !(isWord[end - 1] && isWord[end])
    }

    static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}

/// The tokens of a vocabulary indexed by their text, for `CopyConstraint`: built once
/// (one pass over the vocabulary), then shared by every copy constraint of that model.
public struct CopyCandidates: Sendable {
    /// The vocabulary size.
    public let vocabularySize: Int
    /// The longest piece, in UTF-8 bytes, that is indexed; longer pieces are never allowed.
    public let maximumPieceLength: Int
    /// Token ids by the FNV-1a hash of their UTF-8 text; `pieces` confirms a match.
    private let idsByHash: [UInt64: [Int32]]
    private let pieces: [[UInt8]]
    /// Tokens made only of newlines.
    let newlines: [Int]
    /// Tokens that are a single space.
    let space: [Int]?

    /// The index of `vocabulary`'s pieces up to `maximumPieceLength` UTF-8 bytes.
    public init(vocabulary: TokenVocabulary, maximumPieceLength: Int = 32) {
        vocabularySize = vocabulary.count
        self.maximumPieceLength = maximumPieceLength
        var idsByHash: [UInt64: [Int32]] = [:]
        var pieces = Array(repeating: [UInt8](), count: vocabulary.count)
        var newlines: [Int] = []
        var space: [Int] = []
        for (id, piece) in vocabulary.pieces.enumerated() {
            guard let piece, !piece.isEmpty else { continue }
            if piece.allSatisfy({ $0 == "\n" }) { newlines.append(id); continue }
            if piece == " " { space.append(id) }
            let bytes = Array(piece.utf8)
            guard bytes.count <= maximumPieceLength, !bytes.contains(UInt8(ascii: "\n")) else { continue }
            pieces[id] = bytes
            idsByHash[Self.hash(bytes), default: []].append(Int32(id))
        }
        self.idsByHash = idsByHash
        self.pieces = pieces
        self.newlines = newlines
        self.space = space.isEmpty ? nil : space
    }

    static let hashStart: UInt64 = 0xcbf2_9ce4_8422_2325
    static let hashPrime: UInt64 = 0x100_0000_01b3

    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        bytes.reduce(hashStart) { ($0 ^ UInt64($1)) &* hashPrime }
    }

    /// Adds to `set` every token whose text is `bytes[start..<start + n]` for some n ≥ 1
    /// (or, `afterSpace`, a space followed by `bytes[start..<start + n - 1]`, n ≥ 2).
    func insertPieces(of bytes: [UInt8], from start: Int, afterSpace: Bool = false, into set: inout TokenSet) {
        var hash = afterSpace ? (Self.hashStart ^ UInt64(UInt8(ascii: " "))) &* Self.hashPrime : Self.hashStart
        let lead = afterSpace ? 1 : 0
        var end = start
        while end < bytes.count, end - start + lead < maximumPieceLength {
            hash = (hash ^ UInt64(bytes[end])) &* Self.hashPrime
            end += 1
            guard let ids = idsByHash[hash] else { continue }
            for id in ids {
                let piece = pieces[Int(id)]
                let matches = piece.count == end - start + lead
                    && (!afterSpace || piece.first == UInt8(ascii: " "))
                    && piece[lead...].elementsEqual(bytes[start..<end])
                if matches { set.insert(Int(id)) }
            }
        }
    }
}
