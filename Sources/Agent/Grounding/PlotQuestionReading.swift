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
