import Testing
@testable import Agent

@Test func questionFactsReadNumbersAddressesAndWhatIsAsked() {
    let division = QuestionFacts("What is 7,344 ÷ 16?")
    #expect(division.numbers.isSuperset(of: ["7344", "16"]))
    #expect(division.asksForArithmetic && !division.asksForFigure && division.urls.isEmpty)

    let spelled = QuestionFacts("A dozen eggs cost 3.50 dollars. What do half a dozen cost?")
    #expect(spelled.numbers.isSuperset(of: ["12", "3.50", "3.5", "2", "0.5"]))
    #expect(spelled.asksForArithmetic)

    let page = QuestionFacts("According to http://127.0.0.1:8080/a.html, when was it founded?")
    #expect(page.urls == ["http://127.0.0.1:8080/a.html"])
    // The address's digits are not the question's numbers.
    #expect(!page.numbers.contains("8080") && !page.asksForArithmetic)

    let figure = QuestionFacts("Draw a column chart of apples 20, pears 35.")
    #expect(figure.asksForFigure && !figure.asksForArithmetic)
    // A year alone is no calculation.
    #expect(!QuestionFacts("Who won the cup in 1998?").asksForArithmetic)
}

@Test func firstToolFollowsTheQuestion() {
    let tools = ["calc", "fetch", "python"]
    #expect(CallGrounding(question: "Open https://example.org/x and sum the numbers 3 and 4").requiredFirstTools(among: tools) == ["fetch"])
    #expect(CallGrounding(question: "Plot 3, 8, 5 as a line").requiredFirstTools(among: tools) == ["python"])
    #expect(CallGrounding(question: "What is the total of 12, 9 and 40?").requiredFirstTools(among: tools) == ["calc"])
    #expect(CallGrounding(question: "Hello there").requiredFirstTools(among: tools) == nil)
    // Without the tool the question points to, nothing is forced.
    #expect(CallGrounding(question: "Plot 3, 8, 5").requiredFirstTools(among: ["calc"]) == nil)
}

@Test func groundingTakesInResultsAndPercentages() {
    var grounding = CallGrounding(question: "What is 35% of 460, plus 12?")
    #expect(grounding.numbers.isSuperset(of: ["35", "460", "12", "1"]) && !grounding.numbers.contains("100"))
    grounding.absorb("161")
    #expect(grounding.numbers.contains("161"))
    grounding.absorb("See https://example.org/next for more.")
    #expect(grounding.urls == ["https://example.org/next"])
}

/// Single characters, digit runs and a few longer pieces, as a BPE vocabulary has.
private let vocabulary = TokenVocabulary(
    pieces: ScriptedModel.characters.map { String($0) } + ["46", "460", "1.5", " 35", "0.", "</calc>", "</", nil])

private func allowed(_ constraint: some TokenConstraint, after text: String) -> Set<String> {
    guard let set = constraint.allowedTokens(after: text) else { return Set(vocabulary.pieces.compactMap { $0 }) }
    return Set(vocabulary.pieces.enumerated().compactMap { set.contains($0.offset) ? $0.element : nil })
}

@Test func calculatorInputsUseOnlyTheQuestionsNumbers() {
    let marker = MarkerContentConstraint(vocabulary: vocabulary, alphabet: Set("0123456789.+-*/% "), closing: "</calc>", maximumLength: 40)
    let constraint = GroundedNumberConstraint(
        numbers: ["35", "460", "1"], base: marker, tokens: NumericTokens(vocabulary: vocabulary), allowsFullStop: false)
    // A number starts only as one of the set does.
    let start = allowed(constraint, after: "")
    #expect(start.isSuperset(of: ["3", "4", "46", "460", "1"]) && !start.contains("5") && !start.contains("2") && !start.contains("1.5"))
    // Inside a number: only what continues it; nothing may end it early.
    #expect(allowed(constraint, after: "35*4") == ["6"])
    #expect(allowed(constraint, after: "35*46") == ["0"])
    // A finished number may be followed by an operator or the closing marker.
    let finished = allowed(constraint, after: "35*460")
    #expect(finished.isSuperset(of: ["*", "+", "</calc>", "</"]) && !finished.contains("5") && !finished.contains("."))
    // "*1.5", the invented factor: "1" is allowed, "1.5" is not.
    #expect(allowed(constraint, after: "35*460*").contains("1") && !allowed(constraint, after: "35*460*1").contains("."))
}

@Test func answersKeepResultsExactly() {
    let constraint = GroundedNumberConstraint(
        numbers: ["2455226", "1"], base: nil, tokens: NumericTokens(vocabulary: vocabulary), allowsFullStop: true)
    // Prose is free, and a number may end a sentence.
    #expect(allowed(constraint, after: "The total is").isSuperset(of: ["a", " ", "2"]))
    #expect(allowed(constraint, after: "It is 2455226").isSuperset(of: [".", " ", ","]))
    // No thousands separator inside the result: "2," would end an unknown number.
    #expect(!allowed(constraint, after: "It is 2").contains(","))
    #expect(!allowed(constraint, after: "It is 245").contains("."))
}

@Test func aCalculationUsesEveryOperandAndNoneTooOften() {
    let marker = MarkerContentConstraint(vocabulary: vocabulary, alphabet: Set("0123456789.+-*/% "), closing: "</calc>", maximumLength: 40)
    let constraint = GroundedNumberConstraint(
        numbers: ["35", "460", "12"], base: marker, tokens: NumericTokens(vocabulary: vocabulary), allowsFullStop: false,
        required: ["35", "460", "12"], maximumUses: 2)
    // "35*460" leaves 12 out: the marker may not close yet.
    #expect(!allowed(constraint, after: "35*460").contains("<") && !allowed(constraint, after: "35*460").contains("</calc>"))
    #expect(allowed(constraint, after: "35*460+12").contains("</calc>"))
    // A third "35" is refused; its start ("3") cannot begin any other number either.
    #expect(!allowed(constraint, after: "35*35+").contains("3"))
    #expect(allowed(constraint, after: "35+").contains("3"))
    #expect(CallGrounding(question: "Add 1,250 and 7.5 to 3.").operands == ["1250", "3"])
}

@Test func aCalculationWritesOnlyTheCalculatorsWords() {
    let constraint = GroundedNumberConstraint(
        numbers: ["35", "460"], base: nil, tokens: NumericTokens(vocabulary: vocabulary), allowsFullStop: false, words: ["of", "sqrt"])
    #expect(allowed(constraint, after: "35% ").isSuperset(of: ["o", "s"]) && !allowed(constraint, after: "35% ").contains("n"))
    #expect(allowed(constraint, after: "35% o") .contains("f") && !allowed(constraint, after: "35% o").contains("x"))
}

@Test func theClosingMarkerIsNotHeldToTheWords() {
    let marker = MarkerContentConstraint(vocabulary: vocabulary, alphabet: Set("0123456789*abcdefghijklmnopqrstuvwxyz"), closing: "</calc>", maximumLength: 40)
    let constraint = GroundedNumberConstraint(
        numbers: ["24", "78"], base: marker, tokens: NumericTokens(vocabulary: vocabulary), allowsFullStop: false, words: ["sqrt"])
    #expect(allowed(constraint, after: "24*78</c") == ["a"])
}

@Test func digitsInsideANameAreNotNumbers() {
    let constraint = GroundedNumberConstraint(
        numbers: ["35"], base: nil, tokens: NumericTokens(vocabulary: vocabulary), allowsFullStop: false)
    // "x2" and "log10" are names; "2" alone is a number outside the set.
    #expect(allowed(constraint, after: "x").contains("2") && allowed(constraint, after: "y = log1").contains("0"))
    #expect(!allowed(constraint, after: "y = ").contains("2"))
    #expect(allowed(constraint, after: "plt.").contains("b"))
    #expect(GroundedNumberConstraint.numbers(in: "x2 = 35 + log10(35)") == ["35": 2])
}

@Test func aSumUsesEachOperandAsOftenAsTheQuestionWritesItThenCloses() {
    let grounding = CallGrounding(question: "Compute the total of 931, 9, 2, 9.")
    #expect(grounding.operandUses == ["931": 1, "9": 2, "2": 1])
    #expect(CallGrounding(question: "45 on Monday and twice as many on Tuesday").operandUses == ["45": 2])
    let marker = MarkerContentConstraint(vocabulary: vocabulary, alphabet: Set("0123456789+*() "), closing: "</calc>", maximumLength: 60)
    let constraint = GroundedNumberConstraint(
        numbers: grounding.numbers, base: marker, tokens: NumericTokens(vocabulary: vocabulary), allowsFullStop: false,
        required: grounding.operands, maximumUses: 2, usesOfNumber: grounding.operandUses)
    #expect(allowed(constraint, after: "931 + 9 + 2 + 9").isSubset(of: ["<", "</", "</calc>", ")"]))
    #expect(!allowed(constraint, after: "931 + 9 + 2 + ").contains("2") && allowed(constraint, after: "931 + 9 + 2 + ").contains("9"))
}

@Test func aFollowUpMayUseTheConversationsNumbers() {
    let history = [Message(.user, "What is 24*78?"), Message(.assistant, "<calc>24*78</calc><result>1872</result>\n24 × 78 = 1872.")]
    let grounding = CallGrounding(question: "Divide that by 4.", history: history)
    #expect(grounding.numbers.isSuperset(of: ["1872", "4"]) && grounding.answerNumbers.contains("1872"))
    // Only the question's own numbers must be used.
    #expect(grounding.operands == ["4"])
}
