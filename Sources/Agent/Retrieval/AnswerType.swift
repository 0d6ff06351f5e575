/// The kind of answer a question asks for, read from its wording ("when", "how many",
/// "who" …), and whether a passage holds something of that kind. Generic English cues
/// only: a prior for ranking passages, not an understanding of the question.
public enum AnswerType: Sendable, Equatable {
    /// A date: "when", "what year", "founded", "born" … — a passage with a year or a month.
    case date
    /// A quantity: "how many", "how much", "number of", "population", "how tall" … — a
    /// passage with a number that is not just a year.
    case quantity
    /// A person: "who", "whom", "whose" — a passage naming someone besides the subject.
    case person
    /// A place: "where", "in which country" … — a passage naming a place besides the subject.
    case place
    /// Something named: "which river", "what is the name of" … — a passage with a name
    /// besides the subject.
    case name
    /// No cue in the question.
    case unknown

    /// The answer type `question` asks for.
    public init(question: String) {
        let words = question.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
        let text = " " + words.joined(separator: " ") + " "
        func has(_ phrase: String) -> Bool { text.contains(" \(phrase) ") }
        // From the most to the least telling cue: "which town has the largest population"
        // wants a name, "what is the population of the largest town" a number.
        if ["who", "whom", "whose"].contains(where: has) {
            self = .person
        } else if Self.quantityPhrases.contains(where: has) {
            self = .quantity
        } else if has("when") || Self.datePhrases.contains(where: has) {
            self = .date
        } else if has("where") || Self.placePhrases.contains(where: has) {
            self = .place
        } else if has("which") {
            self = .name
        } else if words.contains(where: Self.quantityNouns.contains) {
            self = .quantity
        } else if words.contains(where: Self.dateVerbs.contains) {
            self = .date
        } else if has("what is the name") || has("what was the name") || has("what is called") || has("what was called")
                    || words.first == "name" {
            self = .name
        } else {
            self = .unknown
        }
    }

    /// Words of a question that only say what kind of answer is wanted ("many" in "how
    /// many", "year" in "what year"): they do not help find the passage, so the search
    /// leaves them out.
    static let cueWords: Set<String> = ["many", "much", "year", "number", "name", "date", "century", "city", "country", "town"]

    private static let quantityPhrases = [
        "how many", "how much", "number of", "how large", "how big", "how tall", "how high", "how long",
        "how far", "how deep", "how wide", "how old", "how heavy", "what percentage", "what percent", "how often",
        "what size", "what area", "what length", "what height", "what time", "at what time",
    ]
    // Measures: "what is the population …" asks for a number even without "how".
    private static let quantityNouns: Set<String> = [
        "population", "area", "height", "length", "width", "depth", "distance", "elevation", "altitude", "size",
        "price", "cost", "temperature", "weight", "capacity", "percentage", "total", "amount", "speed", "age",
        "inhabitants", "residents", "budget", "salary", "revenue", "attendance",
    ]
    private static let datePhrases = [
        "what year", "which year", "what date", "which date", "what century", "which century", "what day", "since when",
    ]
    private static let placePhrases = [
        "what city", "which city", "what country", "which country", "what town", "which town", "in what place",
        "what region", "which region", "what state", "which state",
    ]
    // Events that happen once, whose question ("X was founded in?") wants a date.
    private static let dateVerbs: Set<String> = [
        "founded", "established", "built", "born", "died", "opened", "closed", "started", "began", "begun", "created",
        "invented", "discovered", "completed", "founding", "incorporated", "launched", "released", "published",
    ]

    /// Whether `passage` holds an answer of this type; `subject` holds the lowercased words
    /// of what the page and the question are about, which do not count as a name.
    public func matches(_ passage: String, subject: Set<String>) -> Bool {
        strength(of: passage, subject: subject) > 0
    }

    /// How clearly `passage` holds an answer of this type, from 0 (not at all) to 1: a
    /// year is a clearer date than a month alone, a numeral a clearer quantity than a
    /// number word, and a full name ("Tom Baker") a clearer person than one capitalised word.
    func strength(of passage: String, subject: Set<String>) -> Double {
        switch self {
        case .date: return Self.hasYear(passage) ? 1 : Self.hasMonth(passage) ? Self.weakMatch : 0
        case .quantity:
            if Self.numbers(in: passage).contains(where: { !Self.isYear($0) }) { return 1 }
            return Self.hasNumberWord(passage) ? Self.weakMatch : 0
        case .person:
            guard let words = Self.longestName(in: passage, besides: subject) else { return 0 }
            return words >= 2 ? 1 : Self.weakMatch
        case .place, .name: return Self.longestName(in: passage, besides: subject) != nil ? 1 : 0
        case .unknown: return 0
        }
    }

    /// The strength of a weaker sign of the answer type (see `strength`).
    static let weakMatch = 0.6

    /// A 4-digit number from 1000 to 2099 standing alone ("1442", "in 1998,").
    static func hasYear(_ text: String) -> Bool {
        numbers(in: text).contains(where: isYear)
    }

    static func isYear(_ number: String) -> Bool {
        number.count == 4 && number.allSatisfy(\.isASCII) && (number.hasPrefix("1") || number.hasPrefix("20"))
    }

    static func hasNumberWord(_ text: String) -> Bool {
        text.lowercased().split { !$0.isLetter }.contains { numberWords.contains(String($0)) }
    }

    static func hasMonth(_ text: String) -> Bool {
        text.split { !$0.isLetter }.contains { months.contains(String($0)) }
    }

    /// How many words the longest name in `text` has: a run of capitalised words that are
    /// not the subject, a month or a function word; a lone one counts unless it starts its
    /// sentence ("founded by Tom Baker" → 2, "on the river Mell" → 1). Nil when none.
    static func longestName(in text: String, besides subject: Set<String>) -> Int? {
        let raw = text.split(separator: " ")
        let words = raw.map { $0.filter { $0.isLetter || $0.isNumber || $0 == "-" } }
        var longest: Int?
        var run = 0
        var runStartsSentence = false
        for index in words.indices {
            let word = words[index]
            let isName = word.first?.isUppercase == true && !subject.contains(word.lowercased()) && !months.contains(word)
                && !capitalisedFunctionWords.contains(word.lowercased())
                && raw[index].last != ":"  // a label ("Mayor: …") is not a name
            if isName {
                if run == 0 { runStartsSentence = index == 0 || raw[index - 1].last.map { ".!?;".contains($0) } == true }
                run += 1
            }
            let runEnds = !isName || index == words.count - 1 || raw[index].last.map { ",.!?;:".contains($0) } == true
            if runEnds, run > 0 {
                if run >= 2 || !runStartsSentence { longest = max(longest ?? 0, run) }
                run = 0
            }
        }
        return longest
    }

    /// Digit runs, with thousands separators and decimal points kept inside ("653,148").
    static func numbers(in text: String) -> [String] {
        var result: [String] = []
        var current = ""
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            if character.isASCII && character.isNumber {
                current.append(character)
            } else if (character == "," || character == "."), !current.isEmpty, index + 1 < characters.count,
                      characters[index + 1].isASCII && characters[index + 1].isNumber {
                current.append(character)
            } else {
                if !current.isEmpty { result.append(current) }
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    private static let numberWords: Set<String> = [
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "thirty",
        "forty", "fifty", "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "dozen", "dozens",
    ]
    private static let months: Set<String> = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]
    private static let capitalisedFunctionWords: Set<String> = SearchTerms.stopWords.union([
        "the", "this", "these", "those", "its", "his", "her", "their", "our", "we", "he", "she", "they", "today", "there",
        "here", "after", "before", "during", "since", "until", "while", "although", "because", "however", "also", "some",
        "many", "most", "all", "each", "every", "one", "both", "but", "if", "then", "than", "not", "no", "yes", "about",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mr", "mrs", "ms", "dr", "st",
    ])
}
