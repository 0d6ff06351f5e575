import AgentTools

/// What holds one question's tool calls to the question: which tool the first call
/// must use, the numbers a calculation or an answer may use (the question's, then
/// every result's), and the addresses a fetch may open.
struct CallGrounding: Sendable {
    /// The question being answered.
    let question: String
    /// What the question says by itself.
    let facts: QuestionFacts
    /// Numbers that may be written: the question's, a few constants, earlier results.
    private(set) var numbers: Set<String>
    /// Addresses that may be fetched: the question's, then any a result names.
    private(set) var urls: [String]
    /// The whole numbers the question writes in digits: the operands a first
    /// calculation must use, each at least once.
    let operands: Set<String>
    /// How often a first calculation may use each operand: as often as the question
    /// writes it, once more when the question repeats a quantity ("twice as many").
    let operandUses: [String: Int]
    /// The data a request for a figure lists, read once (nil: no figure asked for).
    let plotData: PlotDataCheck?
    /// The numbers an answer may write: the question's and the results', without the
    /// calculation's constants.
    private(set) var answerNumbers: Set<String>

    /// Numbers any calculation may use besides the question's: 1 (a whole, as in
    /// "1 + 5%"). Percentages need no 100: the calculator reads "35% of 460".
    static let constants: Set<String> = ["1"]

    /// The grounding of `question`, asked after the turns `history`: numbers and
    /// addresses said earlier in the conversation may be used too ("divide that by 4").
    init(question: String, history: [Message]) {
        self.init(question: question)
        for message in history { absorb(message.content) }
    }

    init(question: String) {
        self.question = question
        facts = QuestionFacts(question)
        var numbers = facts.numbers.union(Self.constants)
        // An average divides by how many numbers there are.
        let written = facts.writtenNumbers.count
        if written >= 2, question.lowercased().contains("average") || question.lowercased().contains("mean") {
            numbers.insert(String(written))
        }
        self.numbers = numbers
        urls = facts.urls
        let whole = facts.writtenNumbers.filter { !$0.contains(".") }.map { QuestionFacts.forms(of: $0).last ?? $0 }
        operands = Set(whole)
        let repeats = Self.repeatingWords.contains { question.lowercased().contains($0) } ? 1 : 0
        operandUses = whole.reduce(into: [:]) { $0[$1, default: repeats] += 1 }
        answerNumbers = facts.numbers
        plotData = facts.asksForFigure ? PlotDataCheck(question: question) : nil
    }

    /// The tools the first call must choose among, or nil when the question does not
    /// settle it: an address means fetch, a request to draw means Python, arithmetic
    /// means the calculator.
    func requiredFirstTools(among tools: [String]) -> [String]? {
        if !urls.isEmpty, tools.contains("fetch") { return ["fetch"] }
        if facts.asksForFigure, tools.contains("python") { return ["python"] }
        if facts.asksForArithmetic, tools.contains("calc") { return ["calc"] }
        return nil
    }

    /// Words that make a question use one of its numbers again.
    static let repeatingWords = ["twice", "as many", "as much", "double", "triple", "half", "same"]

    /// Takes in what a successful step returned: its numbers and addresses may be used next.
    mutating func absorb(_ text: String) {
        let found = QuestionFacts.writtenNumbers(in: text).flatMap(QuestionFacts.forms)
        numbers.formUnion(found)
        answerNumbers.formUnion(found)
        for url in QuestionFacts.urls(in: text) where !urls.contains(url) { urls.append(url) }
    }
}
