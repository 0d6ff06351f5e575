/// The data a plotting question lists, and the check of plotting code against it: the
/// code's numbers must be the question's, all of them and no invented ones, and the
/// names the question attaches to them must be quoted strings in the code.
///
/// Read with plain rules about how numbers are written in English text: a number is data
/// when nothing marks it as something else (a count before a list, "the 4 seasons: …",
/// a year after "in", a figure size in inches, a label before a colon, "2019: 40").
/// Questions about functions ("y = sin(x) from 0 to 2*pi") have no data.
public struct PlotDataCheck: Sendable {
    /// The question's data numbers, in order, repeats kept.
    public let numbers: [Double]
    /// The names attached to the data numbers ("New York 85" → "New York"), in order,
    /// each once.
    public let labels: [String]
    /// Every number the question writes, with the other ways code may write it
    /// ("20%" also 0.2, "1.5 million" also 1,500,000).
    let known: [QuestionNumber]

    /// The check for `question`.
    public init(question: String) {
        let reading = QuestionReading(question)
        known = reading.numbers
        numbers = reading.dataNumbers.map(\.value)
        labels = reading.labels
    }

    /// The data numbers of `question` (see `numbers`).
    public static func numbers(inQuestion question: String) -> [Double] {
        PlotDataCheck(question: question).numbers
    }

    /// The names attached to the data numbers of `question` (see `labels`).
    public static func labels(inQuestion question: String) -> [String] {
        PlotDataCheck(question: question).labels
    }

    /// Nil when `code` is fine; else one short line for the model: labels written as
    /// bare names first, then data numbers missing from the code or not in the question.
    ///
    /// Numbers the code may write besides the question's: whole numbers -10–10, 100 and
    /// 1000, numbers between -1 and 1 (unless the data has such), anything in
    /// a keyword argument other than data ones (`figsize=`, `alpha=`, `bins=`…), in a
    /// style call (`plt.xlim(0, 100)`), or assigned to a style name (`width = 0.35`), and
    /// a range's end one past a question number or past the count of data numbers.
    public func problem(code: String) -> String? {
        let reading = CodeReading(code)
        let bare = labels.filter { reading.usesBareName($0) }
        if !bare.isEmpty {
            return "labels must be quoted strings: " + bare.prefix(Self.listedItems).map { "\"\($0)\"" }.joined(separator: ", ")
        }
        guard !numbers.isEmpty else { return nil }
        // Offsets and widths ("x - 0.2") are fractions; unless the data has fractions too.
        let fractionsAreFree = !numbers.contains { $0 != 0 && abs($0) < 1 }
        func isFree(_ value: Double) -> Bool {
            Self.isSmallWholeNumber(value) || Self.conversionFactors.contains(value) || (fractionsAreFree && abs(value) < 1)
        }
        var dataLiterals: [Double] = []
        var invented = false
        for literal in reading.numbers {
            let isKnown = known.contains { $0.matches(literal.value) }
            if literal.isStyle { continue }
            if literal.inRange && !isKnown && isRangeEnd(literal.value) { continue }
            if !isKnown && !isFree(literal.value) { invented = true }
            if isKnown || !isFree(literal.value) { dataLiterals.append(literal.value) }
        }
        let data = reading.numbers.filter { !$0.isStyle }.map(\.value)
        // Positions 1, 2, 3 may come from a range rather than be written out.
        let usesRange = reading.numbers.contains(where: \.inRange)
        let missing = known.filter(\.isData).filter { number in
            !data.contains { number.matches($0) } && !(usesRange && Self.isSmallWholeNumber(number.value))
        }
        guard invented || !missing.isEmpty else { return nil }
        let wanted = Self.list(numbers)
        if invented {
            let has = dataLiterals.isEmpty ? "none" : Self.list(dataLiterals)
            return "the data must be the question's numbers: \(wanted) (the code has \(has))"
        }
        return "the data must be the question's numbers: \(wanted) (the code lacks \(Self.list(missing.map(\.value))))"
    }

    /// How many numbers or labels one line lists.
    static let listedItems = 12

    /// A range's end just past a question number, or past the number of data values.
    private func isRangeEnd(_ value: Double) -> Bool {
        value == Double(numbers.count) + 1 || known.contains { $0.matches(value - 1) }
    }

    /// Whole numbers from -10 to 10 (counts, indices, `[::-1]`).
    static func isSmallWholeNumber(_ value: Double) -> Bool {
        abs(value) <= 10 && value == value.rounded()
    }

    /// Factors code multiplies or divides by to change units: percent, thousands.
    static let conversionFactors: Set<Double> = [100, 1000]

    /// "40, 55, 61", repeats dropped, at most `listedItems`.
    static func list(_ values: [Double]) -> String {
        var seen: [Double] = []
        for value in values where !seen.contains(value) { seen.append(value) }
        let shown = seen.prefix(listedItems).map(written)
        return shown.joined(separator: ", ") + (seen.count > listedItems ? ", …" : "")
    }

    /// As Python would write it: "40", "12.5", "-3".
    static func written(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

/// A number in a question: its value, the other values code may write for it, and
/// whether it is data.
struct QuestionNumber: Sendable {
    var value: Double
    var alternatives: [Double] = []
    var isData = true

    func matches(_ candidate: Double) -> Bool {
        ([value] + alternatives).contains { abs($0 - candidate) <= 1e-9 * max(1, abs($0)) }
    }
}

// MARK: - Reading the question

/// A question cut into words, numbers and punctuation, and what that says about its data.
struct QuestionReading {
    enum Piece: Equatable {
        case word(String)
        case number(Int)  // index into `numbers`
        case mark(Character)
    }

    private(set) var pieces: [Piece] = []
    private(set) var numbers: [QuestionNumber] = []
    private(set) var labels: [String] = []
    /// Where a list written without spaces ("100,200,300") ends: no thousands before it.
    private var listWithoutSpacesEnd = 0

    var dataNumbers: [QuestionNumber] { numbers.filter(\.isData) }

    init(_ question: String) {
        read(Array(question))
        if Self.isAboutAFunction(question, pieces: pieces) {
            for index in numbers.indices { numbers[index].isData = false }
            return
        }
        markNumbersThatAreNotData()
        findLabels()
        // "1.5 million": code may write 1500000.
        for (position, piece) in pieces.enumerated() {
            guard case .number(let number) = piece, let scale = word(at: position + 1).flatMap({ Self.scaleWords[$0.lowercased()] }) else { continue }
            numbers[number].alternatives.append(numbers[number].value * scale)
        }
    }

    // Words that make the number after them a count, not data: "the 4 seasons".
    static let countDeterminers: Set<String> = ["the", "these", "those", "top", "first", "last", "next", "past", "all", "its", "their", "our", "my", "his", "her"]
    // Words before a year that say when, not how much: "in 2020".
    static let timeWords: Set<String> = ["in", "since", "during", "until", "till", "from", "of", "for", "by", "to", "between", "and", "before", "after"]
    // Units of a figure's size: "8 by 4 inches".
    static let sizeUnits: Set<String> = ["inch", "inches", "in.", "px", "pixel", "pixels", "dpi", "pt", "cm"]
    // Units written after a number; never a label.
    static let units: Set<String> = [
        "mm", "cm", "m", "km", "kg", "g", "mg", "lb", "lbs", "t", "l", "ml", "s", "sec", "secs", "min", "mins",
        "h", "hr", "hrs", "hour", "hours", "minute", "minutes", "second", "seconds", "day", "days", "week", "weeks",
        "month", "months", "year", "years", "percent", "per", "usd", "eur", "gbp", "dollars", "dollar", "euros", "euro",
        "pounds", "points", "pts", "degrees", "units", "unit", "mph", "kmh", "c", "f", "k", "mm/h", "people", "times",
        "thousand", "million", "billion", "items", "votes", "visitors", "sales",
    ]
    static let scaleWords: [String: Double] = ["thousand": 1e3, "million": 1e6, "billion": 1e9]
    static let scales: [String: Double] = ["thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9]
    // Words that never name a data value: function words and the vocabulary of charts.
    static let notLabels: Set<String> = [
        "i", "we", "you", "he", "she", "they", "me", "us", "them", "our", "my", "your",
        "a", "an", "the", "of", "in", "on", "at", "for", "to", "from", "by", "with", "and", "or", "is", "are", "was",
        "were", "be", "been", "has", "have", "had", "it", "its", "this", "that", "these", "those", "there", "their",
        "each", "per", "as", "than", "then", "about", "around", "over", "under", "into", "what", "which", "who",
        "plot", "plots", "chart", "graph", "draw", "make", "show", "bar", "bars", "line", "pie", "histogram",
        "scatter", "values", "value", "numbers", "number", "data", "points", "point", "list", "series", "figure",
        "using", "use", "python", "matplotlib", "x", "y", "with", "got", "get", "scored", "sold", "made", "had",
        "were", "total", "between", "among", "counts", "count", "sizes", "size", "amounts", "amount",
    ]
    static let beOrHave: Set<String> = ["is", "are", "was", "were", "be", "been", "has", "have", "had", "will"]
    /// Prepositions that introduce a data value's name after it: "20 for apples".
    static let introducing: Set<String> = ["for", "in", "on", "at", "during"]
    static let joiningWords: Set<String> = ["and", "or", "but", "then", "than", "as", "while", "the", "a", "an", "plus", "vs", "versus"]
    static let prepositions: Set<String> = ["for", "in", "on", "at", "from", "by", "of", "to", "with", "during"]
    static let functionWords: Set<String> = [
        "sin", "cos", "tan", "sine", "cosine", "tangent", "log", "ln", "exp", "sqrt", "parabola", "polynomial",
        "exponential", "logarithm", "logarithmic", "quadratic", "cubic", "sinusoid", "function",
    ]

    /// Whether the question asks for a curve of a formula rather than listed data.
    static func isAboutAFunction(_ question: String, pieces: [Piece]) -> Bool {
        let lower = question.lowercased()
        if ["y =", "y=", "f(x)", "x^", "x**", "x²", "x³", "e^", "1/x"].contains(where: lower.contains) { return true }
        return pieces.contains { piece in
            if case .word(let word) = piece { return functionWords.contains(word.lowercased()) }
            return false
        }
    }

    // MARK: Cutting the text

    private mutating func read(_ text: [Character]) {
        var index = 0
        while index < text.count {
            let character = text[index]
            if character.isWholeNumberDigit || (Self.isMinus(character) && index + 1 < text.count && text[index + 1].isWholeNumberDigit && startsNumber(text, at: index)) {
                index = readNumber(text, from: index)
            } else if character.isLetter {
                var end = index
                // Letters and digits glued together are a word: "Q1", "H2O", "3rd" below.
                while end < text.count, text[end].isLetter || text[end].isWholeNumberDigit || ((text[end] == "'" || text[end] == "’" || text[end] == "-") && end + 1 < text.count && text[end + 1].isLetter) {
                    end += 1
                }
                pieces.append(.word(String(text[index..<end])))
                index = end
            } else {
                if !character.isWhitespace { pieces.append(.mark(character)) }
                index += 1
            }
        }
    }

    private static func isMinus(_ character: Character) -> Bool { character == "-" || character == "−" }

    /// A minus sign starts a number after a space, an opening bracket or a separator,
    /// not between numbers ("1-5") or inside a word ("x-2").
    private func startsNumber(_ text: [Character], at index: Int) -> Bool {
        guard index > 0 else { return true }
        let before = text[index - 1]
        return before.isWhitespace || "([{,;:=".contains(before)
    }

    private mutating func readNumber(_ text: [Character], from start: Int) -> Int {
        var index = start
        var negative = false
        if Self.isMinus(text[index]) {
            negative = true
            index += 1
        }
        var digits = ""
        func run(from position: Int) -> Int {
            var end = position
            while end < text.count, text[end].isWholeNumberDigit { end += 1 }
            return end
        }
        var end = run(from: index)
        digits += String(text[index..<end])
        // Thousands groups: "1,250", "12,500,000"; not a list written without spaces ("3,8,5").
        var groups: [String] = []
        var probe = end
        while start >= listWithoutSpacesEnd, probe < text.count, text[probe] == ",", run(from: probe + 1) == probe + 4 {
            groups.append(String(text[(probe + 1)..<(probe + 4)]))
            probe += 4
        }
        if !groups.isEmpty {
            if Self.isThousands(first: digits, groups: groups) {
                digits += groups.joined()
                end = probe
            } else {
                listWithoutSpacesEnd = probe
            }
        }
        if end + 1 < text.count, text[end] == ".", text[end + 1].isWholeNumberDigit {
            let fractionEnd = run(from: end + 1)
            digits += "." + String(text[(end + 1)..<fractionEnd])
            end = fractionEnd
        }
        // Letters glued on: an ordinal ("3rd") is a word; a unit or scale ("5kg", "2k") is kept.
        var suffixEnd = end
        while suffixEnd < text.count, text[suffixEnd].isLetter { suffixEnd += 1 }
        let suffix = String(text[end..<suffixEnd]).lowercased()
        if ["st", "nd", "rd", "th", "d"].contains(suffix) || (start > 0 && text[start - 1].isLetter) {
            pieces.append(.word(String(text[start..<suffixEnd])))
            return suffixEnd
        }
        guard let magnitude = Double(digits) else {
            pieces.append(.word(String(text[start..<suffixEnd])))
            return suffixEnd
        }
        var number = QuestionNumber(value: negative ? -magnitude : magnitude)
        if let scale = Self.scales[suffix] { number.alternatives.append(number.value * scale) }
        if end < text.count, text[end] == "%" { number.alternatives.append(number.value / 100) }
        numbers.append(number)
        pieces.append(.number(numbers.count - 1))
        if !suffix.isEmpty { pieces.append(.word(suffix)) }
        return suffixEnd
    }

    /// Whether "a,bbb,ccc" is one number: the groups after the first all have three digits;
    /// a first group of three digits with two groups or more reads as a list
    /// ("100,200,300") unless a group is "000".
    private static func isThousands(first: String, groups: [String]) -> Bool {
        first.count < 3 || groups.count == 1 || groups.contains("000")
    }

    // MARK: Which numbers are data

    private func word(at index: Int) -> String? {
        guard pieces.indices.contains(index), case .word(let word) = pieces[index] else { return nil }
        return word
    }

    private func numberIndex(at index: Int) -> Int? {
        guard pieces.indices.contains(index), case .number(let number) = pieces[index] else { return nil }
        return number
    }

    private func mark(at index: Int) -> Character? {
        guard pieces.indices.contains(index), case .mark(let mark) = pieces[index] else { return nil }
        return mark
    }

    private mutating func markNumbersThatAreNotData() {
        for (position, piece) in pieces.enumerated() {
            guard case .number(let number) = piece else { continue }
            let value = numbers[number].value
            let next = word(at: position + 1)?.lowercased()
            let previous = word(at: position - 1)?.lowercased()
            // "2019: 40": a number naming the next one.
            let namesTheNext = mark(at: position + 1) == ":" && numberIndex(at: position + 2) != nil
            // "the 4 seasons: …", "these 10 scores: …": a count before a list.
            var wordsThenColon = false
            var ahead = position + 1
            while ahead <= position + 3, word(at: ahead) != nil { ahead += 1 }
            if ahead > position + 1, mark(at: ahead) == ":" { wordsThenColon = true }
            // "3 cities in 2020", "10 students scored": a plural noun that goes on with
            // the sentence, where a data value's name would end its item ("20 apples, …").
            // "40 cakes on Monday" is data: a preposition and a name follow.
            let nameFollows = word(at: position + 2).map { Self.introducing.contains($0.lowercased()) } == true && word(at: position + 3) != nil
            let countedNoun = next.map { $0.hasSuffix("s") && !Self.units.contains($0) && !Self.notLabels.contains($0) } == true
                && word(at: position + 2).map { !["and", "or"].contains($0.lowercased()) } == true && !nameFollows
            let afterDeterminer = previous.map(Self.countDeterminers.contains) == true && next != nil && !Self.units.contains(next!)
            // "in 2020": a year saying when.
            let isYear = value >= 1000 && value < 3000 && value == value.rounded()
            let yearSayingWhen = isYear && previous.map(Self.timeWords.contains) == true
            // "8 by 4 inches", "dpi 100", "figure size 10".
            let figureSize = next.map(Self.sizeUnits.contains) == true
                || (next == "by" && word(at: position + 3).map { Self.sizeUnits.contains($0.lowercased()) } == true)
                || ["dpi", "size", "figsize", "resolution"].contains(previous ?? "")
            if namesTheNext || wordsThenColon || countedNoun || afterDeterminer || yearSayingWhen || figureSize {
                numbers[number].isData = false
            }
        }
    }

    // MARK: Labels

    private mutating func findLabels() {
        for (position, piece) in pieces.enumerated() {
            guard case .number(let number) = piece, numbers[number].isData else { continue }
            // "Revenue: 1,250 in Q1": a heading before a colon yields to a name after "in".
            let headed = mark(at: position - 1) == ":"
            let label = headed ? labelAfter(position, introducedOnly: true) ?? labelBefore(position) : labelBefore(position) ?? labelAfter(position)
            guard let label else { continue }
            if !labels.contains(label) { labels.append(label) }
        }
    }

    private func isLabelWord(_ word: String) -> Bool {
        !Self.notLabels.contains(word.lowercased()) && !Self.units.contains(word.lowercased()) && word.first?.isLetter == true
    }

    /// "apples 20", "New York: 85", "Tom = 7": the words just before the number, back to
    /// a separator or a function word.
    private func labelBefore(_ position: Int) -> String? {
        // The first of a bare list ("values 3, 8, 5") has no name.
        if mark(at: position + 1) == ",", numberIndex(at: position + 2) != nil { return nil }
        var index = position - 1
        if let mark = mark(at: index), ":=-($€£".contains(mark) { index -= 1 }
        var words: [String] = []
        while let word = word(at: index), isLabelWord(word), words.count < 4 {
            words.insert(word, at: 0)
            index -= 1
        }
        // "Tom scored 85": a name, a verb other than "be" or "have", the number.
        if words.isEmpty, let verb = word(at: index), verb.first?.isLowercase == true,
           !Self.beOrHave.contains(verb), !Self.prepositions.contains(verb), !Self.joiningWords.contains(verb) {
            index -= 1
            while let word = word(at: index), word.first?.isUppercase == true, isLabelWord(word), words.count < 3 {
                words.insert(word, at: 0)
                index -= 1
            }
        }
        guard let last = words.last else { return nil }
        let atSeparator = index < 0 || mark(at: index).map { ",;:(\n".contains($0) } == true
            || word(at: index).map { ["and", "or"].contains($0.lowercased()) } == true
        if last.first?.isUppercase == true {
            return words.reversed().prefix { $0.first?.isUppercase == true }.reversed().joined(separator: " ")
        }
        if atSeparator, words.count <= 2, words.allSatisfy({ $0.first?.isLowercase == true }) {
            return words.joined(separator: " ")
        }
        return last
    }

    /// "20 for apples", "12.5 mm in January", "85 (New York)", "20 apples, 35 pears".
    private func labelAfter(_ position: Int, introducedOnly: Bool = false) -> String? {
        var index = position + 1
        var sawUnit = false
        if let unit = word(at: index), Self.units.contains(unit.lowercased())
            || word(at: index + 1).map({ Self.introducing.contains($0.lowercased()) }) == true {
            // A unit, or what is counted ("40 cakes on Monday").
            index += 1
            sawUnit = true
        } else if mark(at: index) == "%" {
            index += 1
        }
        var introduced = false
        if let preposition = word(at: index), Self.introducing.contains(preposition.lowercased()) {
            index += 1
            introduced = true
        } else if mark(at: index) == "(" {
            index += 1
            introduced = true
        }
        if introducedOnly && !introduced { return nil }
        var words: [String] = []
        while let word = word(at: index), isLabelWord(word), words.count < 3 {
            if !words.isEmpty, word.first?.isUppercase != words[0].first?.isUppercase { break }
            words.append(word)
            index += 1
        }
        guard !words.isEmpty else { return nil }
        if !introduced {
            // "20 apples, 35 pears": the word must end the item.
            guard !sawUnit, index >= pieces.count || mark(at: index).map { ",;.)".contains($0) } == true
                || word(at: index).map { ["and", "or"].contains($0.lowercased()) } == true else { return nil }
        }
        return words.joined(separator: " ")
    }
}

// MARK: - Reading the code

/// Plotting code cut into Python tokens (strings and comments dropped): its numeric
/// literals, each with whether it only styles the figure, and the names it defines.
struct CodeReading {
    /// A numeric literal of the code.
    struct Literal {
        var value: Double
        /// In a keyword argument other than a data one, a style call, or assigned to a style name.
        var isStyle = false
        /// In a call of range, arange or linspace.
        var inRange = false
    }

    enum Token: Equatable {
        case name(String)
        case number(Double)
        case symbol(String)
        case newline
    }

    private(set) var tokens: [Token] = []
    private(set) var numbers: [Literal] = []
    private(set) var defined: Set<String> = []

    /// Keyword arguments that carry data; every other keyword argument is style.
    static let dataKeywords: Set<String> = ["x", "y", "height", "data", "values", "sizes", "bottom", "left", "weights", "xs", "ys", "x1", "x2", "y1", "y2", "counts"]
    /// Calls whose numbers place or style things, not data.
    static let styleCalls: Set<String> = [
        "figure", "subplots", "subplot", "add_subplot", "xlim", "ylim", "set_xlim", "set_ylim", "axis", "grid",
        "tight_layout", "subplots_adjust", "legend", "margins", "set_size_inches", "savefig", "xticks", "yticks",
        "set_xticks", "set_yticks", "tick_params", "title", "suptitle", "xlabel", "ylabel", "set_title",
        "set_xlabel", "set_ylabel", "text", "annotate", "round", "format", "set_aspect", "axhline", "axvline",
    ]
    static let rangeCalls: Set<String> = ["range", "arange", "linspace"]
    /// Names whose assigned numbers style the figure: "width = 0.35".
    static let styleNames: Set<String> = [
        "width", "bar_width", "barwidth", "w", "alpha", "bins", "n_bins", "nbins", "dpi", "fontsize", "font_size",
        "size", "offset", "spacing", "gap", "rotation", "linewidth", "lw", "markersize", "figsize", "pad", "radius",
        "startangle", "explode", "colors",
    ]
    /// Names Python or the tool defines, never a label written bare.
    static let predefined: Set<String> = [
        "abs", "all", "any", "bool", "dict", "enumerate", "filter", "float", "int", "len", "list", "map", "max",
        "min", "print", "range", "round", "set", "sorted", "str", "sum", "tuple", "zip", "True", "False", "None",
        "np", "plt", "math", "pi", "e", "sin", "cos", "tan", "exp", "log", "sqrt",
    ]

    init(_ code: String) {
        tokens = Self.tokens(Array(code))
        readNumbers()
        readDefinitions()
    }

    /// Whether `label` appears in the code as a bare name: an identifier never defined
    /// ("[Tom, Ann]"), or several words in a row ("New York").
    func usesBareName(_ label: String) -> Bool {
        let words = label.split(separator: " ").map { $0.lowercased() }
        guard !words.isEmpty else { return false }
        for start in tokens.indices {
            if start > 0, tokens[start - 1] == .symbol(".") { continue }
            guard start + words.count <= tokens.count else { break }
            var names: [String] = []
            for token in tokens[start..<(start + words.count)] {
                guard case .name(let name) = token else { break }
                names.append(name)
            }
            guard names.count == words.count, names.map({ $0.lowercased() }) == words else { continue }
            if words.count > 1 { return true }
            if !defined.contains(names[0]) && !Self.predefined.contains(names[0]) { return true }
        }
        return false
    }

    // MARK: Tokens

    private static let twoCharacterSymbols: Set<String> = ["==", "!=", "<=", ">=", "**", "//", "->", ":=", "+=", "-=", "*=", "/=", "%=", "<<", ">>"]
    private static let stringPrefixes: Set<String> = ["r", "b", "f", "u", "rb", "br", "fr", "rf"]

    private static func tokens(_ text: [Character]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < text.count {
            let character = text[index]
            if character.isNewline {
                tokens.append(.newline)
                index += 1
            } else if character.isWhitespace {
                index += 1
            } else if character == "#" {
                while index < text.count, !text[index].isNewline { index += 1 }
            } else if character == "\\", index + 1 < text.count, text[index + 1].isNewline {
                index += 2
            } else if character == "'" || character == "\"" {
                index = skipString(text, from: index)
            } else if character.isASCII && character.isNumber || (character == "." && index + 1 < text.count && text[index + 1].isASCII && text[index + 1].isNumber) {
                var end = index
                while end < text.count, text[end].isLetter || text[end].isNumber || text[end] == "_" || text[end] == "."
                    || ((text[end] == "+" || text[end] == "-") && end > index && "eE".contains(text[end - 1]) && !String(text[index..<end]).lowercased().hasPrefix("0x")) {
                    end += 1
                }
                if let value = number(String(text[index..<end].filter { $0 != "_" })) {
                    tokens.append(.number(value))
                } else {
                    tokens.append(.symbol("?"))
                }
                index = end
            } else if character.isLetter || character == "_" {
                var end = index
                while end < text.count, text[end].isLetter || text[end].isNumber || text[end] == "_" { end += 1 }
                let name = String(text[index..<end])
                if end < text.count, text[end] == "'" || text[end] == "\"", stringPrefixes.contains(name.lowercased()) {
                    index = skipString(text, from: end)
                    tokens.append(.symbol("''"))
                } else {
                    tokens.append(.name(name))
                    index = end
                }
            } else {
                let pair = index + 1 < text.count ? String(text[index...(index + 1)]) : ""
                if twoCharacterSymbols.contains(pair) {
                    tokens.append(.symbol(pair))
                    index += 2
                } else {
                    tokens.append(.symbol(String(character)))
                    index += 1
                }
            }
        }
        return tokens
    }

    /// The index after the string literal that starts at `start` (a quote).
    private static func skipString(_ text: [Character], from start: Int) -> Int {
        let quote = text[start]
        let triple = start + 2 < text.count && text[start + 1] == quote && text[start + 2] == quote
        var index = start + (triple ? 3 : 1)
        while index < text.count {
            let character = text[index]
            if character == "\\" {
                index += 2
            } else if character == quote {
                if !triple { return index + 1 }
                if index + 2 < text.count, text[index + 1] == quote, text[index + 2] == quote { return index + 3 }
                index += 1
            } else if character.isNewline && !triple {
                return index
            } else {
                index += 1
            }
        }
        return index
    }

    private static func number(_ text: String) -> Double? {
        let lower = text.lowercased()
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
            return Int(lower.dropFirst(2), radix: radix).map(Double.init)
        }
        if lower.hasSuffix("j") { return nil }
        return Double(lower)
    }

    // MARK: Numbers and their roles

    private struct Frame {
        var callee: String?
        var keyword: String?
    }

    private mutating func readNumbers() {
        var frames: [Frame] = []
        var statementTarget: String?
        var statementStart = true
        for (position, token) in tokens.enumerated() {
            let previous = position > 0 ? tokens[position - 1] : nil
            switch token {
            case .newline where frames.isEmpty, .symbol(";") where frames.isEmpty:
                statementTarget = nil
                statementStart = true
                continue
            case .symbol("(") :
                var callee: String?
                if case .name(let name)? = previous { callee = name }
                frames.append(Frame(callee: callee))
            case .symbol("["), .symbol("{"):
                frames.append(Frame())
            case .symbol(")"), .symbol("]"), .symbol("}"):
                if !frames.isEmpty { frames.removeLast() }
            case .symbol(","):
                if !frames.isEmpty { frames[frames.count - 1].keyword = nil }
            case .symbol("="):
                if case .name(let name)? = previous {
                    if frames.isEmpty {
                        if statementStart || statementTarget == nil { statementTarget = name }
                    } else {
                        frames[frames.count - 1].keyword = name
                    }
                }
            case .number(var value):
                // A minus after an operator, a bracket, a comma or "=" is the number's sign.
                if previous == .symbol("-") {
                    let beforeSign = position > 1 ? tokens[position - 2] : nil
                    switch beforeSign {
                    case .name?, .number?, .symbol(")")?, .symbol("]")?, .symbol("}")?: break
                    default: value = -value
                    }
                }
                var literal = Literal(value: value)
                literal.isStyle = frames.contains { frame in
                    frame.keyword.map { !Self.dataKeywords.contains($0) } == true
                        || frame.callee.map(Self.styleCalls.contains) == true
                } || statementTarget.map(Self.styleNames.contains) == true
                literal.inRange = frames.contains { $0.callee.map(Self.rangeCalls.contains) == true }
                numbers.append(literal)
            default:
                break
            }
            statementStart = false
        }
    }

    // MARK: Names the code defines

    private mutating func readDefinitions() {
        var statement: [Token] = []
        var depth = 0
        for token in tokens + [.newline] {
            switch token {
            case .symbol("("), .symbol("["), .symbol("{"): depth += 1
            case .symbol(")"), .symbol("]"), .symbol("}"): depth = max(depth - 1, 0)
            default: break
            }
            if (token == .newline || token == .symbol(";")) && depth == 0 {
                define(in: statement)
                statement.removeAll()
            } else {
                statement.append(token)
            }
        }
    }

    /// Names bound by one logical line: assignment targets, loop variables, imports,
    /// "as" names, function and class names and parameters, lambda parameters.
    private mutating func define(in statement: [Token]) {
        func names(_ tokens: ArraySlice<Token>) -> [String] {
            tokens.indices.compactMap { index in
                guard case .name(let name) = tokens[index] else { return nil }
                return index > tokens.startIndex && tokens[index - 1] == .symbol(".") ? nil : name
            }
        }
        var depth = 0
        for (index, token) in statement.enumerated() {
            switch token {
            case .symbol("("), .symbol("["), .symbol("{"): depth += 1
            case .symbol(")"), .symbol("]"), .symbol("}"): depth -= 1
            case .symbol("="), .symbol("+="), .symbol("-="), .symbol("*="), .symbol("/="), .symbol(":="):
                if depth == 0 { defined.formUnion(names(statement[..<index])) }
                if case .name(let name)? = index > 0 ? statement[index - 1] : nil { defined.insert(name) }
            case .name("for"):
                let end = statement[index...].firstIndex(of: .name("in")) ?? statement.endIndex
                defined.formUnion(names(statement[(index + 1)..<end]))
            case .name("as"), .name("def"), .name("class"):
                if case .name(let name)? = index + 1 < statement.count ? statement[index + 1] : nil { defined.insert(name) }
            case .name("import"), .name("global"), .name("nonlocal"):
                defined.formUnion(names(statement[index...]))
            case .name("lambda"):
                let end = statement[index...].firstIndex(of: .symbol(":")) ?? statement.endIndex
                defined.formUnion(names(statement[(index + 1)..<end]))
            default:
                break
            }
        }
        if case .name("def")? = statement.first {
            defined.formUnion(names(statement[...]))
        }
    }
}

private extension Character {
    var isWholeNumberDigit: Bool { isASCII && isNumber }
}
