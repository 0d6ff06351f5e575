/// Numbers may only be copied: under this constraint every number the model writes
/// is one of a given set (the question's numbers and earlier tool results), written
/// exactly. Everything else is left to the constraint it narrows (a calculator's
/// alphabet inside a marker; nothing in an answer).
///
/// The calculator is exact, but a call is only as right as its operands: this is
/// what keeps "35% of 460" from becoming `35*460*1.5`, and an answer from turning
/// `2455226` into `245,522,600`.
public struct GroundedNumberConstraint: TokenConstraint {
    /// The numbers that may be written, as digits ("7344", "0.5").
    public let numbers: Set<String>
    /// What is allowed before numbers are considered; nil: every token.
    public let base: (any TokenConstraint)?
    /// Whether a number may end with a full stop (prose: "It is 408."), which an
    /// expression never does.
    public let allowsFullStop: Bool
    /// Numbers that must all be written before a marker may close the text (the
    /// question's operands, in a calculation); empty: none.
    public let required: Set<String>
    /// How many times one number may be written: a model that loops repeats an
    /// operand (`15*15*15*…`) until its token limit.
    public let maximumUses: Int
    /// Limits for particular numbers, below or above `maximumUses` (a sum's operands:
    /// as often as the question writes them).
    public let usesOfNumber: [String: Int]
    /// The only words that may be written (a calculator's function names); nil: any.
    public let words: Set<String>?
    private let wordPrefixes: Set<String>
    /// Each start of a number of the set, and the numbers it starts.
    private let prefixes: [String: [String]]
    private let numeric: NumericTokens

    /// Narrows `base` (every token if nil) so that numbers come from `numbers`.
    public init(
        numbers: Set<String>, base: (any TokenConstraint)?, tokens: NumericTokens, allowsFullStop: Bool, required: Set<String> = [],
        maximumUses: Int = .max, usesOfNumber: [String: Int] = [:], words: Set<String>? = nil
    ) {
        self.usesOfNumber = usesOfNumber
        self.words = words
        wordPrefixes = Set((words ?? []).flatMap { word in word.indices.map { String(word[...$0]) } })
        self.numbers = numbers
        self.base = base
        self.allowsFullStop = allowsFullStop
        self.required = required
        self.maximumUses = maximumUses
        self.numeric = tokens
        var prefixes: [String: [String]] = [:]
        for number in numbers {
            var prefix = ""
            for character in number {
                prefix.append(character)
                prefixes[prefix, default: []].append(number)
            }
        }
        self.prefixes = prefixes
    }

    /// The base's tokens, less those that would write a number outside the set or end
    /// one that is not finished.
    public func allowedTokens(after text: String) -> TokenSet? {
        var allowed = base?.allowedTokens(after: text) ?? numeric.all
        let identifier = Self.endsInIdentifier(text)
        let run = identifier ? "" : Self.trailingNumber(of: text)
        var uses = Self.numbers(in: String(text.dropLast(run.count)))
        let usedUp = Set(uses.filter { $0.value >= (usesOfNumber[$0.key] ?? maximumUses) }.keys)
        let runIsOpen = !run.isEmpty && !isComplete(run, usedUp: usedUp)
        if runIsOpen {
            // Only digits may follow until the number is one of the set.
            var digitsOnly = TokenSet(capacity: allowed.capacity)
            for (id, piece) in numeric.tokens where allowed.contains(id) && accepts(piece, after: run, usedUp: usedUp) {
                digitsOnly.insert(id)
            }
            return digitsOnly
        }
        for (id, piece) in numeric.tokens where allowed.contains(id) && !accepts(piece, after: run, usedUp: usedUp, inIdentifier: identifier) {
            allowed.remove(id)
        }
        // Words are held to the list up to the closing marker ("<" starts it).
        if let words, !words.isEmpty, !text.contains("<") {
            let word = Self.trailingWord(of: text)
            let wordUses = Self.words(in: String(text.dropLast(word.count)))
            let usedUpWords = Set(wordUses.filter { $0.value >= maximumUses }.keys)
            for (id, piece) in numeric.wordTokens where allowed.contains(id) && !acceptsWord(piece, after: word, usedUp: usedUpWords) {
                allowed.remove(id)
            }
        }
        if !run.isEmpty { uses[Self.withoutFullStop(run), default: 0] += 1 }
        let limited = required.filter { usesOfNumber[$0] != nil }
        let endsOperand = run.isEmpty ? text.hasSuffix(")") : isComplete(run, usedUp: [])
        if !limited.isEmpty, endsOperand, limited.allSatisfy({ uses[$0, default: 0] >= usesOfNumber[$0] ?? .max }) {
            // Every operand is written as often as it may be: only the closing marker
            // (or a bracket closing) may follow.
            var closing = TokenSet(capacity: allowed.capacity)
            for id in numeric.markerStarts + numeric.closingBrackets where allowed.contains(id) { closing.insert(id) }
            if !closing.isEmpty { return closing }
        }
        if !required.isSubset(of: uses.keys) {
            // A marker may not close before every required number is written.
            var open = allowed
            for id in numeric.markerStarts where open.contains(id) { open.remove(id) }
            if !open.isEmpty { allowed = open }
        }
        return allowed
    }

    /// Whether writing `piece` after the number `run` (possibly empty) keeps every
    /// number finished in it one of the set, and the one still open a start of one.
    /// Digits inside a name (`x2`, `log10`) are part of the name, not a number.
    func accepts(_ piece: String, after run: String, usedUp: Set<String> = [], inIdentifier: Bool = false) -> Bool {
        var current = run
        var identifier = inIdentifier
        for character in piece {
            if Self.isNumeric(character), !identifier {
                current.append(character)
                continue
            }
            if Self.isNumeric(character) {
                // A point after a name is an attribute (`np.pi`); a digit goes on with the name.
                if character == "." { identifier = false }
                continue
            }
            if !current.isEmpty, !isComplete(current, usedUp: usedUp) { return false }
            current = ""
            identifier = character.isLetter || character == "_"
        }
        return current.isEmpty || isComplete(current, usedUp: usedUp) || (prefixes[current] ?? []).contains { !usedUp.contains($0) }
    }

    private static func isNumeric(_ character: Character) -> Bool {
        character.isASCII && (character.isNumber || character == ".")
    }

    /// Whether `text` ends inside a name: letters, digits and "_" from a letter or "_" on.
    static func endsInIdentifier(_ text: String) -> Bool {
        let tail = text.reversed().prefix { $0.isLetter || $0 == "_" || ($0.isASCII && $0.isNumber) }
        return tail.last.map { $0.isLetter || $0 == "_" } ?? false
    }

    /// Whether writing `piece` after the letters `word` (possibly empty) finishes only
    /// allowed words and leaves the one still open a start of one.
    func acceptsWord(_ piece: String, after word: String, usedUp: Set<String> = []) -> Bool {
        var current = word
        for character in piece {
            if character.isLetter {
                current.append(character)
                guard wordPrefixes.contains(current) else { return false }
                continue
            }
            if !current.isEmpty, !(words?.contains(current) ?? true) || usedUp.contains(current) { return false }
            current = ""
        }
        return true
    }

    /// How many times each word is written in `text`.
    static func words(in text: String) -> [String: Int] {
        text.split { !$0.isLetter }.reduce(into: [:]) { $0[String($1), default: 0] += 1 }
    }

    /// The letters at the end of `text`.
    static func trailingWord(of text: String) -> String {
        String(text.reversed().prefix(while: \.isLetter).reversed())
    }

    /// A number of the set not yet used up, or one followed by a full stop ending a sentence.
    private func isComplete(_ number: String, usedUp: Set<String>) -> Bool {
        if numbers.contains(number) { return !usedUp.contains(number) }
        guard allowsFullStop, number.hasSuffix(".") else { return false }
        let withoutStop = String(number.dropLast())
        return numbers.contains(withoutStop) && !usedUp.contains(withoutStop)
    }

    private static func withoutFullStop(_ number: String) -> String {
        number.hasSuffix(".") ? String(number.dropLast()) : number
    }

    /// How many times each number is written in `text`.
    static func numbers(in text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        var current = ""
        var identifier = false
        for character in text + " " {
            if isNumeric(character), !identifier {
                current.append(character)
                continue
            }
            if isNumeric(character) {
                if character == "." { identifier = false }
                continue
            }
            if !current.isEmpty { counts[withoutFullStop(current), default: 0] += 1 }
            current = ""
            identifier = character.isLetter || character == "_"
        }
        return counts
    }

    /// The digits and points at the end of `text`.
    /// Empty when they follow a name: `x2`, or the point of `plt.`.
    static func trailingNumber(of text: String) -> String {
        let run = text.reversed().prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        if let before = text.dropLast(run.count).last, before.isLetter || before == "_" { return "" }
        return String(run.reversed())
    }
}

/// The tokens of a vocabulary that hold a digit or a point, found once (a pass over
/// the vocabulary) and shared by every `GroundedNumberConstraint` of that model.
public struct NumericTokens: Sendable {
    let tokens: [(id: Int, piece: String)]
    /// Every token of the vocabulary.
    let all: TokenSet
    /// The tokens holding "<", which may start a closing marker.
    let markerStarts: [Int]
    /// The tokens holding a letter.
    let wordTokens: [(id: Int, piece: String)]
    /// The tokens that are only closing brackets and spaces.
    let closingBrackets: [Int]

    /// The tokens of `vocabulary` holding an ASCII digit or a point.
    public init(vocabulary: TokenVocabulary) {
        all = TokenSet.all(capacity: vocabulary.count)
        markerStarts = vocabulary.pieces.indices.filter { vocabulary.pieces[$0]?.contains("<") ?? false }
        closingBrackets = vocabulary.pieces.indices.filter { id in
            guard let piece = vocabulary.pieces[id], piece.contains(")") else { return false }
            return piece.allSatisfy { $0 == ")" || $0 == " " }
        }
        wordTokens = vocabulary.pieces.enumerated().compactMap { id, piece in
            guard let piece, piece.contains(where: \.isLetter) else { return nil }
            return (id, piece)
        }
        tokens = vocabulary.pieces.enumerated().compactMap { id, piece in
            guard let piece, piece.contains(where: { $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
            return (id, piece)
        }
    }
}
