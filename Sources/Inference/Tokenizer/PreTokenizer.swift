/// Splits text into words before byte-level BPE, following the regex each model
/// family was trained with (named by `tokenizer.ggml.pre`).
///
/// The regexes are applied as the reference implementation applies them: a sequence
/// of patterns, each splitting every piece the previous one produced into its
/// matches and the text between them. Each pattern is hand-written as a matcher over
/// Unicode scalars — faster than a regex engine, and exact about `\s(?!\S)`.
public struct PreTokenizer: Sendable {
    enum Pattern: Sendable {
        /// `\p{N}`: every digit alone (SmolLM, StarCoder).
        case eachNumber
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` (GPT-2).
        case gpt2
        /// Llama 3's pattern: case-insensitive contractions, `[^\r\n\p{L}\p{N}]?\p{L}+`,
        /// `\p{N}{1,maxDigits}`, ` ?[^\s\p{L}\p{N}]+[\r\n]*`, `\s*[\r\n]+`, `\s+(?!\S)`, `\s+`.
        /// Qwen2 uses it with single digits.
        case llama3(maxDigits: Int)
        /// `[\p{P}\$\+<=>\^~\|]+`: runs of punctuation and a few symbols.
        case punctuationRun
        /// `\p{N}+`.
        case numberRun
        /// `[0-9][0-9][0-9]`.
        case threeASCIIDigits
    }

    let patterns: [Pattern]

    /// Pre-tokenizer names this type implements.
    public static let supportedNames = ["default", "gpt-2", "smollm", "starcoder", "llama-bpe", "llama3", "qwen2", "deepseek-r1-qwen"]

    /// The pre-tokenizer for `tokenizer.ggml.pre`; `nil` or "default" gives the
    /// reference implementation's default sequence.
    public init(name: String?) throws(TokenizerError) {
        switch name {
        case nil, "default":
            patterns = [.punctuationRun, .gpt2, .numberRun, .threeASCIIDigits]
        case "gpt-2", "gpt2":
            patterns = [.gpt2]
        case "smollm", "starcoder":
            patterns = [.eachNumber, .gpt2]
        case "llama-bpe", "llama3":
            patterns = [.llama3(maxDigits: 3)]
        case "qwen2", "deepseek-r1-qwen":
            patterns = [.llama3(maxDigits: 1)]
        case let other?:
            throw .unsupportedPreTokenizer(other)
        }
    }

    /// Splits `text` into scalar ranges that together cover it.
    func split(_ text: ClassifiedText) -> [Range<Int>] {
        var pieces = text.count == 0 ? [] : [0..<text.count]
        for pattern in patterns {
            var next: [Range<Int>] = []
            next.reserveCapacity(pieces.count * 2)
            for piece in pieces {
                var start = piece.lowerBound
                var position = piece.lowerBound
                while position < piece.upperBound {
                    if let length = Self.match(pattern, text, at: position, end: piece.upperBound) {
                        if start < position { next.append(start..<position) }
                        next.append(position..<(position + length))
                        position += length
                        start = position
                    } else {
                        position += 1
                    }
                }
                if start < piece.upperBound { next.append(start..<piece.upperBound) }
            }
            pieces = next
        }
        return pieces
    }

    /// Splits `text` into words (convenience for tests and tools).
    public func words(_ text: String) -> [String] {
        let classified = ClassifiedText(text)
        return split(classified).map { range in
            var word = ""
            word.unicodeScalars.append(contentsOf: classified.scalars[range])
            return word
        }
    }

    /// The length of the match of `pattern` at `position`, or `nil` when it does not
    /// match there. Text beyond `end` is invisible, as in a regex run on the piece.
    static func match(_ pattern: Pattern, _ text: ClassifiedText, at position: Int, end: Int) -> Int? {
        switch pattern {
        case .eachNumber:
            return text.isNumber(position) ? 1 : nil
        case .numberRun:
            return run(from: position, end: end) { text.isNumber($0) }
        case .threeASCIIDigits:
            guard position + 3 <= end else { return nil }
            let ok = (position..<(position + 3)).allSatisfy { ("0"..."9").contains(text.scalars[$0]) }
            return ok ? 3 : nil
        case .punctuationRun:
            let symbols: Set<Unicode.Scalar> = ["$", "+", "<", "=", ">", "^", "~", "|"]
            return run(from: position, end: end) {
                text.classes[$0].contains(.punctuation) || symbols.contains(text.scalars[$0])
            }
        case .gpt2:
            return matchGPT2(text, at: position, end: end)
        case .llama3(let maxDigits):
            return matchLlama3(text, at: position, end: end, maxDigits: maxDigits)
        }
    }

    /// Length of the run of scalars satisfying `predicate` from `start`, or `nil` if empty.
    private static func run(from start: Int, end: Int, _ predicate: (Int) -> Bool) -> Int? {
        var i = start
        while i < end && predicate(i) { i += 1 }
        return i > start ? i - start : nil
    }

    private static func matchGPT2(_ t: ClassifiedText, at p: Int, end: Int) -> Int? {
        if let length = contraction(t, at: p, end: end, ignoringCase: false) { return length }
        let spaced = t.scalar(p, is: " ") && p + 1 < end ? p + 1 : p
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
        for predicate in [t.isLetter, t.isNumber, t.isOther] as [(Int) -> Bool] {
            if predicate(spaced), let length = run(from: spaced, end: end, predicate) {
                return spaced - p + length
            }
        }
        return whitespace(t, at: p, end: end)
    }

    private static func matchLlama3(_ t: ClassifiedText, at p: Int, end: Int, maxDigits: Int) -> Int? {
        if let length = contraction(t, at: p, end: end, ignoringCase: true) { return length }
        // `[^\r\n\p{L}\p{N}]?\p{L}+`
        if t.isLetter(p) {
            return run(from: p, end: end, t.isLetter)
        }
        if !t.isNewline(p) && !t.isNumber(p) && p + 1 < end && t.isLetter(p + 1) {
            return 1 + run(from: p + 1, end: end, t.isLetter)!
        }
        // `\p{N}{1,maxDigits}`
        if t.isNumber(p) {
            return min(run(from: p, end: end, t.isNumber)!, maxDigits)
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        let spaced = t.scalar(p, is: " ") && p + 1 < end ? p + 1 : p
        if t.isOther(spaced), let length = run(from: spaced, end: end, t.isOther) {
            let newlines = run(from: spaced + length, end: end, t.isNewline) ?? 0
            return spaced - p + length + newlines
        }
        // `\s*[\r\n]+`: the whitespace run up to its last newline.
        if let spaces = run(from: p, end: end, t.isWhitespace),
           let lastNewline = (p..<(p + spaces)).last(where: t.isNewline) {
            return lastNewline + 1 - p
        }
        return whitespace(t, at: p, end: end)
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d`, optionally case-insensitive (ASCII).
    private static func contraction(_ t: ClassifiedText, at p: Int, end: Int, ignoringCase: Bool) -> Int? {
        guard t.scalar(p, is: "'"), p + 1 < end else { return nil }
        func letter(_ i: Int) -> Unicode.Scalar? {
            guard i < end else { return nil }
            let s = t.scalars[i]
            return ignoringCase && ("A"..."Z").contains(s) ? Unicode.Scalar(s.value + 32) : s
        }
        switch letter(p + 1) {
        case "s", "t", "m", "d": return 2
        case "r", "v": return letter(p + 2) == "e" ? 3 : nil
        case "l": return letter(p + 2) == "l" ? 3 : nil
        default: return nil
        }
    }

    /// `\s+(?!\S)|\s+`: a whitespace run leaves its last scalar to the word that follows.
    private static func whitespace(_ t: ClassifiedText, at p: Int, end: Int) -> Int? {
        guard let length = run(from: p, end: end, t.isWhitespace) else { return nil }
        return length > 1 && p + length < end ? length - 1 : length
    }
}
