/// The content of a `<python>` marker: any text, but the closing marker only where the
/// code is balanced.
///
/// Promises, for the text written so far:
/// - the closing marker ("</python>") may only be written once the code has something in
///   it and every bracket `()[]{}` and string literal is closed (a comment may be open);
/// - no token closes a bracket that was never opened or that does not match the open one;
/// - a single-quoted string may not run past the end of its line;
/// - a line may not be the third copy in a row of the line before it (a cheap loop guard);
/// - from `maximumLength` characters on, only what closes the open strings and brackets
///   and then the closing marker is allowed.
///
/// Built once per vocabulary: tokens without brackets, quotes, backslashes, `#`, newlines
/// or the marker's first character cannot change any of this, so they are allowed as a
/// block; a step only examines the few thousand tokens that hold such characters.
public struct PythonCodeConstraint: TokenConstraint {
    /// The closing marker, e.g. "</python>".
    public let closing: String
    /// How many characters of code before only closing is allowed.
    public let maximumLength: Int

    private let marker: ClosingMarker
    private let capacity: Int
    /// `plain[0]`: the tokens free of every character the scanner watches. `plain[k]`
    /// (k ≥ 1): those of them that do not go on with the marker's character `k`, for when
    /// the text ends with the marker's first `k` characters.
    private let plain: [TokenSet]
    /// The tokens examined at every step: those holding a watched character.
    private let watched: [ExaminedToken]
    /// `continuing[k]` (k ≥ 1): the free tokens that go on with the marker's character `k`.
    private let continuing: [[ExaminedToken]]
    /// `markerTokens[k]`: the tokens that write on the marker after its first `k`
    /// characters and nothing else; the last resort, should nothing else be allowed.
    private let markerTokens: [TokenSet]

    /// The constraint for Python code of at most `maximumLength` characters, closed by
    /// `closing`; the closing marker must start with a character Python code never needs
    /// to be followed by "/" ("<"), and its other characters may not be brackets, quotes,
    /// `#`, backslashes or newlines.
    public init(vocabulary: TokenVocabulary, closing: String = "</python>", maximumLength: Int) {
        let marker = ClosingMarker(closing)
        precondition(marker.scalars.count >= 2, "the closing marker needs at least two characters")
        precondition(marker.scalars.dropFirst().allSatisfy { !PythonScan.isWatched($0) }, "the closing marker's later characters may not be watched characters")
        self.closing = closing
        self.maximumLength = maximumLength
        self.marker = marker
        capacity = vocabulary.count
        let length = marker.scalars.count
        var plain = Array(repeating: TokenSet(capacity: capacity), count: length)
        var watched: [ExaminedToken] = []
        var continuing = Array(repeating: [ExaminedToken](), count: length)
        var markerTokens = Array(repeating: TokenSet(capacity: capacity), count: length)
        for (id, piece) in vocabulary.pieces.enumerated() {
            guard let piece, !piece.isEmpty else { continue }
            let scalars = Array(piece.unicodeScalars)
            let token = ExaminedToken(id: id, scalars: scalars)
            for written in 0..<length where marker.scalars[written...].starts(with: scalars) {
                markerTokens[written].insert(id)
            }
            if scalars.contains(where: { PythonScan.isWatched($0) || $0 == marker.scalars[0] }) {
                watched.append(token)
                continue
            }
            plain[0].insert(id)
            for written in 1..<length {
                if scalars[0] == marker.scalars[written] {
                    continuing[written].append(token)
                } else {
                    plain[written].insert(id)
                }
            }
        }
        self.plain = plain
        self.watched = watched
        self.continuing = continuing
        self.markerTokens = markerTokens
    }

    /// Every free token plus the watched tokens that keep the code well formed; at the
    /// length limit only the tokens that finish the code and close it.
    public func allowedTokens(after text: String) -> TokenSet? {
        let state = PythonScan(text, marker: marker)
        let finishing = text.count >= maximumLength
        let written = state.markerProgress
        var allowed: TokenSet
        if finishing || (written >= 2 && !state.isInString) {
            // At the limit, or "</" written in code: nothing free goes as a block.
            allowed = TokenSet(capacity: capacity)
        } else {
            allowed = plain[written]
        }
        for token in watched where state.admits(token.scalars, finishing: finishing) {
            allowed.insert(token.id)
        }
        if written >= 1 {
            for token in continuing[written] where state.admits(token.scalars, finishing: finishing) {
                allowed.insert(token.id)
            }
        }
        return allowed.isEmpty ? markerTokens[written] : allowed
    }
}

/// A token and its text as Unicode scalars.
struct ExaminedToken: Sendable {
    let id: Int
    let scalars: [Unicode.Scalar]
}

/// A closing marker, matched as it is written (Knuth–Morris–Pratt, so that "<</python>"
/// is found too).
struct ClosingMarker: Sendable {
    let scalars: [Unicode.Scalar]
    /// `fallback[i]`: how much of the marker is still matched when the character after
    /// its first `i + 1` characters does not continue it.
    private let fallback: [Int]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        var fallback = Array(repeating: 0, count: scalars.count)
        var matched = 0
        for index in scalars.indices.dropFirst() {
            while matched > 0 && scalars[index] != scalars[matched] { matched = fallback[matched - 1] }
            if scalars[index] == scalars[matched] { matched += 1 }
            fallback[index] = matched
        }
        self.fallback = fallback
    }

    /// How much of the marker is matched after `scalar`, when `matched` was before it.
    func advance(_ matched: Int, with scalar: Unicode.Scalar) -> Int {
        var matched = matched == scalars.count ? fallback[matched - 1] : matched
        while matched > 0 && scalar != scalars[matched] { matched = fallback[matched - 1] }
        return scalar == scalars[matched] ? matched + 1 : matched
    }
}

/// Python's lexical state after some text, as far as balance goes: inside code, a comment
/// or a string literal (with the quote and whether it is triple), and the brackets open.
/// Also what the closing marker and the loop guard need: how much of the marker ends the
/// text, the line being written and the last lines.
struct PythonScan {
    /// Where the text is.
    enum Mode: Equatable {
        case code
        case comment
        case string(quote: Unicode.Scalar, triple: Bool)
    }

    /// What a character did to the state, beyond the mode.
    enum Event {
        case none
        case open(UInt8)
        case close(UInt8)
        case newline
        /// A newline in a single-quoted string: Python's "unterminated string literal".
        case unterminatedString
    }

    /// The lexer's state, small enough to copy for every examined token.
    struct Lexer {
        var mode = Mode.code
        /// In a string, after a backslash: the next character is taken as it is.
        var escaped = false
        /// In a triple-quoted string: how many of its quotes were just written in a row.
        var quoteRun = 0
        /// In a single-quoted string: nothing written after the opening quote yet.
        var stringIsEmpty = false
        /// In code: the last two characters were an empty string of this quote, so a
        /// third one opens a triple-quoted string.
        var emptyStringJustClosed: Unicode.Scalar?

        var isInString: Bool {
            if case .string = mode { return true }
            return false
        }

        mutating func step(_ scalar: Unicode.Scalar) -> Event {
            switch mode {
            case .comment:
                if scalar == "\n" {
                    mode = .code
                    return .newline
                }
                return .none
            case .string(let quote, let triple):
                if escaped {
                    escaped = false
                    stringIsEmpty = false
                    quoteRun = 0
                } else if scalar == "\\" {
                    escaped = true
                    stringIsEmpty = false
                    quoteRun = 0
                } else if scalar == quote {
                    if !triple {
                        emptyStringJustClosed = stringIsEmpty ? quote : nil
                        mode = .code
                        return .none
                    }
                    quoteRun += 1
                    if quoteRun == 3 { mode = .code }
                    return .none
                } else {
                    quoteRun = 0
                    stringIsEmpty = false
                    if scalar == "\n" { return triple ? .newline : .unterminatedString }
                }
                return scalar == "\n" ? .newline : .none
            case .code:
                let emptyString = emptyStringJustClosed
                emptyStringJustClosed = nil
                switch scalar {
                case "#":
                    mode = .comment
                case "'", "\"":
                    if emptyString == scalar {
                        mode = .string(quote: scalar, triple: true)
                        quoteRun = 0
                    } else {
                        mode = .string(quote: scalar, triple: false)
                        stringIsEmpty = true
                    }
                    escaped = false
                case "\n":
                    return .newline
                default:
                    if let bracket = PythonScan.opening(scalar) { return .open(bracket) }
                    if let bracket = PythonScan.closing(scalar) { return .close(bracket) }
                }
                return .none
            }
        }
    }

    /// The characters that may change the state: brackets, quotes, backslash, `#`, newline.
    static func isWatched(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "(", ")", "[", "]", "{", "}", "'", "\"", "\\", "#", "\n": return true
        default: return false
        }
    }

    static func opening(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar {
        case "(": return 0
        case "[": return 1
        case "{": return 2
        default: return nil
        }
    }

    static func closing(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar {
        case ")": return 0
        case "]": return 1
        case "}": return 2
        default: return nil
        }
    }

    /// How many brackets one token may open before it is refused (they are kept in a
    /// word, two bits each).
    static let bracketsPerToken = 32
    /// The copies of a line in a row that are allowed.
    static let repeatedLines = 2

    private let marker: ClosingMarker
    private(set) var lexer = Lexer()
    /// The open brackets, innermost last (0 round, 1 square, 2 curly).
    private(set) var brackets: [UInt8] = []
    /// How many of the marker's first characters end the text.
    private(set) var markerProgress = 0
    /// Whether the text holds more than white space before a started marker.
    private(set) var hasCode = false
    /// The line being written.
    private var line: [Unicode.Scalar] = []
    /// The last line with more than white space in it (trailing white space dropped),
    /// and how many times in a row it came.
    private var lastLine: String?
    private var lastLineCount = 0

    var isInString: Bool { lexer.isInString }

    /// The state after `text`. A text not written under the constraint is read leniently:
    /// an unmatched closing bracket is ignored, a string cut by a newline is ended.
    init(_ text: String, marker: ClosingMarker) {
        self.marker = marker
        let scalars = Array(text.unicodeScalars)
        for scalar in scalars {
            markerProgress = marker.advance(markerProgress, with: scalar)
            if markerProgress == marker.scalars.count { markerProgress = 0 }
            switch lexer.step(scalar) {
            case .open(let bracket):
                brackets.append(bracket)
                line.append(scalar)
            case .close(let bracket):
                if brackets.last == bracket { brackets.removeLast() }
                line.append(scalar)
            case .unterminatedString:
                lexer.mode = .code
                endLine()
            case .newline:
                endLine()
            case .none:
                line.append(scalar)
            }
        }
        // A started marker is not code: "x = 1\n</" has code, "</" alone has none.
        hasCode = scalars.dropLast(markerProgress).contains { !$0.properties.isWhitespace }
    }

    private mutating func endLine() {
        defer { line.removeAll(keepingCapacity: true) }
        guard let written = Self.comparable(line) else { return }
        if written == lastLine {
            lastLineCount += 1
        } else {
            lastLine = written
            lastLineCount = 1
        }
    }

    /// The line without trailing white space; nil when nothing is left.
    private static func comparable(_ line: some Collection<Unicode.Scalar>) -> String? {
        var view = String.UnicodeScalarView(line)
        while let last = view.last, last.properties.isWhitespace { view.removeLast() }
        return view.isEmpty ? nil : String(view)
    }

    /// Whether `token` may come next: it closes only brackets that are open, ends no
    /// single-quoted string with a newline, repeats no line a third time, writes "</" in
    /// code only where the code may close, and completes the marker only there (and as its
    /// last character). When `finishing`, every character must close a string, comment
    /// or bracket, or write the marker.
    func admits(_ token: [Unicode.Scalar], finishing: Bool) -> Bool {
        var lexer = self.lexer
        var progress = markerProgress
        var depth = brackets.count
        var pushed: UInt64 = 0
        var pushedCount = 0
        var lineChecked = false
        for (offset, scalar) in token.enumerated() {
            let before = progress
            progress = marker.advance(progress, with: scalar)
            let inString = lexer.isInString
            let balanced = depth == 0 && pushedCount == 0 && !inString
            if progress == marker.scalars.count {
                return offset == token.count - 1 && balanced && hasCode
            }
            let advancing = progress == before + 1
            if !inString {
                // "</" is not Python: outside strings it can only be the marker.
                if progress >= 2 && !(balanced && hasCode) { return false }
                if before >= 2 && !advancing { return false }
            }
            let top: UInt8? = pushedCount > 0
                ? UInt8(truncatingIfNeeded: pushed >> UInt64(2 * (pushedCount - 1))) & 3
                : depth > 0 ? brackets[depth - 1] : nil
            if finishing {
                if advancing {
                    if !balanced { return false }
                } else {
                    switch lexer.mode {
                    case .string(let quote, _):
                        if !lexer.escaped && scalar != quote { return false }
                    case .comment:
                        // Balanced, the marker may follow the comment at once.
                        if scalar != "\n" || balanced { return false }
                    case .code:
                        guard let top, Self.closing(scalar) == top else { return false }
                    }
                }
            }
            switch lexer.step(scalar) {
            case .open(let bracket):
                if pushedCount == Self.bracketsPerToken { return false }
                pushed |= UInt64(bracket) << UInt64(2 * pushedCount)
                pushedCount += 1
            case .close(let bracket):
                guard let top, top == bracket else { return false }
                if pushedCount > 0 {
                    pushedCount -= 1
                    pushed &= (1 << UInt64(2 * pushedCount)) - 1
                } else {
                    depth -= 1
                }
            case .unterminatedString:
                return false
            case .newline:
                if !lineChecked && lastLineCount >= Self.repeatedLines {
                    lineChecked = true
                    if Self.comparable(line + token[..<offset]) == lastLine { return false }
                }
                lineChecked = true
            case .none:
                break
            }
        }
        return true
    }
}
