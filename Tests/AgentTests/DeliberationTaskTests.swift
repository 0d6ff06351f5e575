import AgentTools
import Foundation
import Testing
@testable import Agent
@testable import DeliberationTasks

/// The Game of 24's prompts are read from the same folder as the planner's (prompts/game24).
private let game24Prompts = repositoryPrompts

private func sampling(seed: UInt64 = 0, siblings: [String] = []) -> ThoughtSampling {
    ThoughtSampling(temperature: 0, seed: seed, deadline: .after(.seconds(60)), siblings: siblings)
}

// MARK: - Game of 24

@Test func aGame24QuestionIsRecognisedByWhatItSays() {
    #expect(Game24Puzzle(question: "Use the numbers 4 5 6 10 and + - * / to make 24.")?.numbers == [4, 5, 6, 10])
    #expect(Game24Puzzle(question: "Can you get 24 from 1, 1, 4 and 6?")?.numbers == [1, 1, 4, 6])
    #expect(Game24Puzzle(question: "Game of 24: 3 3 8 8")?.numbers == [3, 3, 8, 8])
    #expect(Game24Puzzle(question: "What is 24 × 78?") == nil)
    #expect(Game24Puzzle(question: "Make 24 from 1 2 3.") == nil)
    #expect(Game24Puzzle(question: "Make 24 from 1 2 3 4 5.") == nil)
}

@Test func movesUseTheNumbersLeftAndResultsMustBePositive() throws {
    let state = Game24State(numbers: [4, 4, 6, 8])
    #expect(state.moves.contains("8 + 4 ="))
    #expect(state.moves.contains("4 * 4 ="))
    #expect(state.moves.contains("4 / 6 ="))
    #expect(!state.moves.contains("5 + 8 ="))
    let move = try #require(Game24Move("4 + 8 "))
    guard case .success(let next) = state.applying(move, result: Game24Number(12)) else { Issue.record("a legal move was refused"); return }
    #expect(next.listed == "4 6 12")
    #expect(next.entries.last?.expression == "4 + 8")
    // Fractions are allowed; results must be positive.
    let half = try #require(Game24Move("6 / 4"))
    guard case .success(let fraction) = state.applying(half, result: Game24State.value(of: half)) else { Issue.record("6 / 4 was refused"); return }
    #expect(fraction.listed == "4 8 3/2")
    let negative = try #require(Game24Move("4 - 6"))
    #expect(state.applying(negative, result: Game24State.value(of: negative)) == .failure(.notPositive("4 - 6")))
    let absent = try #require(Game24Move("5 + 8"))
    #expect(state.applying(absent, result: Game24Number(13)) == .failure(.notLeft(Game24Number(5), "4 4 6 8")))
}

@Test func equivalentMovesAreListedOnceAndEqualPositionsShareAKey() throws {
    // 4 4 6 8: pairs {4,4} {4,6} {4,8} {6,8}; + and * once per pair, - only when positive,
    // and / both ways unless the numbers are equal.
    let moves = Game24State(numbers: [4, 4, 6, 8]).moves
    #expect(moves.count == Set(moves).count)
    #expect(moves.count == 3 + 5 + 5 + 5)
    #expect(!moves.contains("4 + 8 =") && moves.contains("8 + 4 ="))
    #expect(!moves.contains("4 - 8 =") && !moves.contains("4 - 4 ="))
    let task = Game24Task(puzzle: Game24Puzzle(numbers: [4, 4, 6, 8]), prompts: game24Prompts, vocabulary: nil)
    let one = [Thought(text: "8 + 4 = 12 (left: 4 6 12)\n"), Thought(text: "6 - 4 = 2 (left: 12 2)\n")]
    let other = [Thought(text: "6 - 4 = 2 (left: 4 8 2)\n"), Thought(text: "8 + 4 = 12 (left: 2 12)\n")]
    #expect(task.stateKey(after: one) == task.stateKey(after: other))
    #expect(task.stateKey(after: Array(one.prefix(1))) != task.stateKey(after: Array(other.prefix(1))))
}

@Test func fractionsAreReadWrittenAndComputedExactly() throws {
    #expect(Game24Number("8/3") == Game24Number(16, over: 6))
    #expect(Game24Number("8/3")?.description == "8/3")
    #expect(Game24Number(calculatorOutput: "0.333333333333333 (= 1/3)") == Game24Number(1, over: 3))
    #expect(Game24Number(calculatorOutput: "2.5") == Game24Number(5, over: 2))
    #expect(Game24Number(calculatorOutput: "24") == Game24Number(24))
    #expect(Game24Number(calculatorOutput: "-2") == Game24Number(-2))
    let move = try #require(Game24Move("3 - 8/3 ="))
    #expect(move.left == Game24Number(3) && move.right == Game24Number(8, over: 3))
    #expect(Game24State.value(of: move) == Game24Number(1, over: 3))
    // "8 / 8/3" divides by the fraction, not 8 / 8 then / 3.
    #expect(Game24State.value(of: try #require(Game24Move("8 / 1/3"))) == Game24Number(24))
}

@Test func aPuzzleThatNeedsFractionsIsSolvedThroughThem() async throws {
    // 3 3 8 8 → 8 ÷ (3 − 8 ÷ 3): only fractions reach 24.
    let model = ScriptedModel([])
    let task = Game24Task(puzzle: Game24Puzzle(numbers: [3, 3, 8, 8]), prompts: game24Prompts, vocabulary: nil)
    let session = try await model.makeSession()
    try await task.begin(in: session)
    #expect(task.candidates(after: [])?.contains("8 / 3 =") == true)
    let first = try #require(try await task.write("8 / 3 =", after: [], in: session))
    #expect(first.text == "8 / 3 = 8/3 (left: 3 8 8/3)\n" && first.verified == true)
    #expect(task.candidates(after: [first])?.contains("3 - 8/3 =") == true)
    let second = try #require(try await task.write("3 - 8/3 =", after: [first], in: session))
    #expect(second.text == "3 - 8/3 = 1/3 (left: 8 1/3)\n")
    let last = try #require(try await task.write("8 / 1/3 =", after: [first, second], in: session))
    #expect(last.solves && last.answer == "8 / (3 - (8 / 3)) = 24")
    #expect(Game24Checker.check("8 / (3 - 8 / 3)", puzzle: task.puzzle) == .solves)
}

@Test func theCheckerVerifiesTheWholeExpressionExactly() {
    let puzzle = Game24Puzzle(numbers: [4, 4, 6, 8])
    #expect(Game24Checker.check("(6 - 4) * (4 + 8) = 24", puzzle: puzzle) == .solves)
    #expect(Game24Checker.check("(6 - 4) * (4 + 8)", puzzle: puzzle) == .solves)
    #expect(Game24Checker.check("6 * 4 = 24", puzzle: puzzle) == .wrongNumbers(used: [6, 4]))
    #expect(Game24Checker.check("(6 + 4) * (4 + 8)", puzzle: puzzle) == .wrongValue("120"))
    // 1 3 4 6: 6 / (1 - 3/4) is 24 exactly, though it goes through fractions.
    #expect(Game24Checker.check("6 / (1 - 3 / 4)", puzzle: Game24Puzzle(numbers: [1, 3, 4, 6])) == .solves)
}

@Test func aGame24ThoughtIsTheModelsMoveComputedByTheCalculator() async throws {
    // The model wants "5 + 8" (5 is not a number left): held to the moves, it writes another.
    let model = ScriptedModel(["8 + 4 = 12", "5 + 8 =", "6 - 4 =", "12 * 2 ="], constrained: true)
    let task = Game24Task(puzzle: Game24Puzzle(numbers: [4, 4, 6, 8]), prompts: game24Prompts, vocabulary: model.vocabulary)
    let session = try await model.makeSession() as! ScriptedSession
    try await task.begin(in: session)
    let first = try #require(try await task.writeThought(after: [], in: session, sampling: sampling()))
    #expect(first.text == "8 + 4 = 12 (left: 4 6 12)\n")
    #expect(first.verified == true && first.answer == nil)
    #expect(first.steps.map(\.input) == ["8 + 4"])
    #expect(session.context.withLock { $0 }.hasSuffix("Numbers: 4 4 6 8\n[assistant] 8 + 4 = 12 (left: 4 6 12)\n"))
    let second = try #require(try await task.writeThought(after: [first], in: try await session.fork(), sampling: sampling()))
    #expect(!second.text.hasPrefix("5"))
    let third = try #require(try await task.writeThought(after: [first], in: session, sampling: sampling()))
    #expect(third.text == "6 - 4 = 2 (left: 12 2)\n")
    let last = try #require(try await task.writeThought(after: [first, third], in: session, sampling: sampling()))
    #expect(last.solves && last.answer == "(8 + 4) * (6 - 4) = 24")
    #expect(task.answer(from: [first, third, last], finished: true).hasSuffix("Answer: (8 + 4) * (6 - 4) = 24"))
}

@Test func aMoveAlreadyWrittenFromAStateIsNotOfferedAgain() async throws {
    let model = ScriptedModel(["6 - 4 ="], constrained: true)
    let task = Game24Task(puzzle: Game24Puzzle(numbers: [4, 6]), prompts: game24Prompts, vocabulary: model.vocabulary)
    let session = try await model.makeSession()
    try await task.begin(in: session)
    let thought = try #require(try await task.writeThought(after: [], in: session, sampling: sampling(siblings: ["6 - 4 = 2 (left: 2)"])))
    #expect(!thought.text.hasPrefix("6 - 4"))
}

@Test func aFinalNumberOtherThan24FailsItsCheck() async throws {
    let model = ScriptedModel(["6 + 4 ="], constrained: true)
    let task = Game24Task(puzzle: Game24Puzzle(numbers: [4, 6]), prompts: game24Prompts, vocabulary: model.vocabulary)
    let session = try await model.makeSession()
    try await task.begin(in: session)
    let thought = try #require(try await task.writeThought(after: [], in: session, sampling: sampling()))
    #expect(thought.verified == false && thought.note == "ends at 10, not 24" && thought.answer == nil)
}

@Test func game24PromptsHaveTheirPlaceholders() throws {
    #expect(try game24Prompts.placeholders(in: Game24Task.valueQuestionFile) == ["numbers"])
    #expect(try game24Prompts.examples(Game24Task.proposeFile).count == 9)
    #expect(try game24Prompts.examples(Game24Task.valueFile).first?.role == .system)
}

@Test func aGame24TaskIsMadeOnlyForAGame24Question() throws {
    let task = try #require(Game24Task.recognising("Can you get 24 from 1, 1, 4 and 6?", prompts: game24Prompts, vocabulary: nil))
    #expect(task.puzzle.numbers == [1, 1, 4, 6])
    #expect(task.valueQuestion(after: []) == "Numbers left: 1 1 4 6")
    #expect(Game24Task.recognising("What is 24 × 78?", prompts: game24Prompts, vocabulary: nil) == nil)
}

// MARK: - Step by step

private func stepPlanner(_ model: ScriptedModel) -> Planner {
    Planner(model: model, tools: [Calculator()], layout: ConversationLayout(prompts: repositoryPrompts))
}

@Test func aStepByStepThoughtIsOneLineAndItsArithmeticIsChecked() async throws {
    let model = ScriptedModel(["A box holds 24 eggs.\n", "5 boxes hold 24 × 5 = 110 eggs.\n", "<calc>24*5</calc>", "So 120 eggs."])
    let task = StepByStepTask(question: "How many eggs are in 5 boxes of 24?", planner: stepPlanner(model), prompts: repositoryPrompts)
    let session = try await model.makeSession() as! ScriptedSession
    try await task.begin(in: session)
    let first = try #require(try await task.writeThought(after: [], in: session, sampling: sampling()))
    #expect(first.text == "A box holds 24 eggs." && first.verified == nil && first.answer == nil)
    let wrong = try #require(try await task.writeThought(after: [first], in: try await session.fork(), sampling: sampling()))
    #expect(wrong.verified == false)
    #expect(wrong.note == "24 × 5 is 120, not 110")
    let right = try #require(try await task.writeThought(after: [first], in: session, sampling: sampling()))
    #expect(right.verified == true && right.steps.map(\.output) == ["120"])
    #expect(right.answer == "A box holds 24 eggs.\nSo 120 eggs.")
    #expect(task.voteKey(for: right.answer ?? "") == "120")
    #expect(task.voteKey(for: "It costs 1,250.00 dollars") == "1250")
    let question = try #require(task.valueQuestion(after: [first, right]))
    #expect(question.hasPrefix("Question: How many eggs are in 5 boxes of 24?\nAnswer so far: A box holds 24 eggs."))
}

@Test func arithmeticClaimsAreCheckedToThePrecisionWritten() {
    let checks = ArithmeticClaims.check("So 24 × 78 = 1872, then 1,872 / 3 = 624 and 10/3 = 3.33 but 2 + 2 = 5.")
    #expect(checks.map(\.holds) == [true, true, true, false])
    #expect(checks.last?.computed == "4")
    #expect(ArithmeticClaims.check("10/3 = 3.4").first?.holds == false)
    #expect(ArithmeticClaims.check("The year 2024 = a leap year; x = 5").isEmpty)
}

@Test func triggerPhrasesAskForDeliberation() throws {
    let trigger = try DeliberationTrigger(prompts: repositoryPrompts)
    #expect(trigger.phrase(in: "Take your time: what is 17 * 23?") == "take your time")
    #expect(trigger.phrase(in: "No rush — how many days are in 3 weeks?") == "no rush")
    #expect(trigger.phrase(in: "Think CAREFULLY about 2+2") == "think carefully")
    #expect(trigger.phrase(in: "What is the timeline of the rush hour?") == nil)
    #expect(trigger.phrase(in: "What is 24*78?") == nil)
}

@Test func aChoiceConstraintAllowsOnlyStartsOfItsChoices() {
    let vocabulary = TokenVocabulary(pieces: ["4", " +", " ", "+", "8", " =", "48", "x", nil])
    let candidates = ChoiceCandidates(vocabulary: vocabulary, alphabet: Set("0123456789+ ="))
    let constraint = ChoiceConstraint(choices: ["4 + 8 =", "8 + 4 ="], candidates: candidates)
    func allowed(_ text: String) -> [String] {
        let set = constraint.allowedTokens(after: text)!
        return vocabulary.pieces.indices.filter(set.contains).compactMap { vocabulary.pieces[$0] }
    }
    #expect(allowed("") == ["4", "8"])
    #expect(allowed("4") == [" +", " "])
    #expect(allowed("4 + 8") == [" ", " ="])
}

@Test func writeLineStopsAtTheEndOfALineAndRunsToolsOnTheWay() async throws {
    let model = ScriptedModel(["Compute <calc>6*7</calc>", "so 42.\nNext line"])
    let planner = stepPlanner(model)
    let session = try await model.makeSession() as! ScriptedSession
    try await session.start([Message(.user, "6*7?")], assistantPrefix: "", stablePrefix: 0)
    let line = try await planner.writeLine(in: session, deadline: .after(.seconds(10)))
    #expect(line.text == "Compute <calc>6*7</calc><result>42</result>\nso 42.\n")
    #expect(line.answer.trimmingCharacters(in: .whitespacesAndNewlines) == "Compute so 42.")
    #expect(!line.endsAnswer)
    #expect(line.steps.map(\.output) == ["42"])
}
