import Agent
import AgentTools

/// The Game of 24 as a deliberation task. Each thought is one move the model
/// writes: which two numbers, which operation ("4 + 8"). The model's tokens are held
/// to moves with the numbers left (the game's grammar, as a tool call is held to
/// the tool's alphabet), the calculator computes the move's value, and the rules
/// keep the list of numbers left: "4 + 8 = 12 (left: 4 6 12)". A value prompt judges
/// whether the numbers left can still make 24; when one number is left, the
/// checker verifies the whole expression exactly.
public struct Game24Task: DeliberationTask {
    /// The task's name in traces.
    public let name = "game of 24"
    /// The numbers to combine.
    public let puzzle: Game24Puzzle
    private let prompts: PromptLibrary
    private let choiceCandidates: ChoiceCandidates?
    private let calculator = Calculator()

    /// The characters of a move: digits, the four operators, spaces and "=".
    public static let moveAlphabet = Set("0123456789+-*/ =")

    /// The task's prompt files, in the `game24` folder of the prompts.
    public static let proposeFile = "game24/propose.md"
    /// The value prompt's examples.
    public static let valueFile = "game24/value.md"
    /// The position the value prompt judges, with the placeholder `{{numbers}}`.
    public static let valueQuestionFile = "game24/value-question.md"

    /// - Parameters:
    ///   - prompts: the prompts folder (the one the planner reads, `PromptLibrary.locate()`);
    ///     the task reads `game24/propose.md`, `game24/value.md` and `game24/value-question.md`.
    ///   - vocabulary: the model's, to hold moves to the numbers left; nil (a remote
    ///     model) lets the model write freely, and illegal moves are dropped.
    public init(puzzle: Game24Puzzle, prompts: PromptLibrary, vocabulary: TokenVocabulary?) {
        self.puzzle = puzzle
        self.prompts = prompts
        choiceCandidates = vocabulary.map { ChoiceCandidates(vocabulary: $0, alphabet: Self.moveAlphabet) }
    }

    /// Recognises a Game of 24 question and makes its task; nil for any other question.
    public static func recognising(_ question: String, prompts: PromptLibrary, vocabulary: TokenVocabulary?) -> Game24Task? {
        Game24Puzzle(question: question).map { Game24Task(puzzle: $0, prompts: prompts, vocabulary: vocabulary) }
    }

    /// Few-shot moves, then the puzzle's numbers.
    public func begin(in session: any LanguageModelSession) async throws {
        let messages = try openingMessages()
        try await session.start(messages, assistantPrefix: "", stablePrefix: messages.count - 1)
    }

    /// The context every move is proposed after: the propose prompt's instructions and
    /// examples, then the puzzle's numbers as the user's turn. The model's turn follows
    /// (no prefix), and each thought of a path is appended to it as `Thought.text`.
    public func openingMessages() throws(PromptError) -> [Message] {
        try prompts.examples(Self.proposeFile) + [Message(.user, "Numbers: " + puzzle.numbers.map(String.init).joined(separator: " "))]
    }

    /// One move from the numbers left after `path`, held to the legal moves, computed
    /// by the calculator; a final move is checked exactly.
    public func writeThought(after path: [Thought], in session: any LanguageModelSession, sampling: ThoughtSampling) async throws -> Thought? {
        let state = replay(path)
        guard state.entries.count > 1 else { return nil }
        // Moves already written from this state are not offered again.
        let written = Set(sampling.siblings.compactMap { Self.move(in: $0)?.text })
        let moves = state.moves.filter { Game24Move($0).map { !written.contains($0.text) } ?? false }
        guard !moves.isEmpty else { return nil }
        let request = GenerationRequest(
            maximumTokens: 16, temperature: sampling.temperature, seed: sampling.seed, stopStrings: ["=", "\n"],
            constraint: choiceCandidates.map { ChoiceConstraint(choices: moves, candidates: $0) })
        let outcome = try await session.generate(request) { _ in !sampling.deadline.isPast }
        guard case .stopString("=") = outcome.stopReason, let move = Game24Move(outcome.text) else { return nil }
        return try await complete(move, from: state, in: session, tokens: outcome.tokenCount)
    }

    /// Every legal move from the numbers left after `path` ("8 + 4 ="), equivalent
    /// moves once; nil when one number is left.
    public func candidates(after path: [Thought]) -> [String]? {
        let state = replay(path)
        return state.entries.count > 1 ? state.moves : nil
    }

    /// Writes the move `candidate` ("8 + 4 =") in `session`, then computes and checks
    /// it as a move the model wrote.
    public func write(_ candidate: String, after path: [Thought], in session: any LanguageModelSession) async throws -> Thought? {
        let state = replay(path)
        guard state.entries.count > 1, let move = Game24Move(candidate) else { return nil }
        try await session.append(candidate.hasSuffix("=") ? candidate : candidate + " =")
        return try await complete(move, from: state, in: session, tokens: 0)
    }

    /// The numbers left after `path`, smallest first: one position, whatever the order of the moves.
    public func stateKey(after path: [Thought]) -> String? {
        replay(path).key
    }

    /// The move's value by the calculator, the numbers left after it (appended to
    /// the context) and, when one number is left, the exact check.
    private func complete(_ move: Game24Move, from state: Game24State, in session: any LanguageModelSession, tokens: Int) async throws -> Thought {
        let (thought, tail) = checked(move, from: state, tokens: tokens)
        if let tail { try await session.append(tail) }
        return thought
    }

    /// The thought the search records for `candidate` (one of `candidates(after: path)`,
    /// "8 + 4 =") after `path`, computed and checked as `write` does it but without a
    /// session: its text is exactly what `write` appends to the context. Nil when the
    /// candidate is not a move or one number is left.
    public func thought(for candidate: String, after path: [Thought]) -> Thought? {
        let state = replay(path)
        guard state.entries.count > 1, let move = Game24Move(candidate) else { return nil }
        return checked(move, from: state, tokens: 0).thought
    }

    /// The thought for `move` from `state`, and the text the runtime appends after the
    /// move ("= 12 (left: 4 6 12)" and the line's end); nil tail when the move broke the rules.
    private func checked(_ move: Game24Move, from state: Game24State, tokens: Int) -> (thought: Thought, tail: String?) {
        let value = Game24State.value(of: move, calculator: calculator)
        let computed = value?.description ?? "error"
        let step = AgentStep(tool: calculator.name, input: move.text, output: computed, ok: value != nil, ms: 0)
        switch state.applying(move, result: value) {
        case .failure(let broken):
            return (Thought(text: "\(move.text) = \(computed)", verified: false, note: broken.description, steps: [step], tokens: tokens), nil)
        case .success(let next):
            let tail = " \(computed) (left: \(next.listed))\n"
            let text = "\(move.text) =" + tail
            guard next.entries.count == 1 else {
                return (Thought(text: text, verified: true, steps: [step], tokens: tokens), tail)
            }
            let expression = "\(next.entries[0].expression) = \(computed)"
            let verdict = Game24Checker.check(expression, puzzle: puzzle)
            guard verdict == .solves else {
                return (Thought(text: text, verified: false, note: "ends at \(computed), not 24", steps: [step], tokens: tokens), tail)
            }
            return (Thought(
                text: text, verified: true, note: "checked: \(expression)", answer: expression, solves: true, steps: [step], tokens: tokens), tail)
        }
    }

    /// The value prompt's examples.
    public func valuePreamble() throws -> [Message]? {
        try prompts.examples(Self.valueFile)
    }

    /// The value question with no numbers: what the value prompt says of any position.
    public func valueBaselineQuestion() -> String? {
        try? prompts.render(Self.valueQuestionFile, ["numbers": ""]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The value prompt's AUC against solvability on the dev set's states, measured
    /// offline by the value-AUC script of the tools (its labels never reach the search).
    public var valueAUC: Double? { Self.measuredValueAUC }

    /// The last measurement (docs/EVAL.md, Game of 24: 610 states of the 38 dev
    /// puzzles, 57 of them solvable): 0.66, at least `DeliberationTaskDefaults.usefulValueAUC`,
    /// so the search uses the value by default. Measure again when a prompt changes.
    public static let measuredValueAUC: Double? = 0.66

    /// The numbers left after `path`, for the value prompt; nil when one is left.
    public func valueQuestion(after path: [Thought]) -> String? {
        let state = replay(path)
        guard state.entries.count > 1 else { return nil }
        return try? prompts.render(Self.valueQuestionFile, ["numbers": state.listed]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The moves and the checked expression, or what was tried when time ran out.
    public func answer(from path: [Thought], finished: Bool) -> String {
        let moves = path.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        if finished, let answer = path.last?.answer {
            return (moves + ["Answer: \(answer)"]).joined(separator: "\n")
        }
        let numbers = puzzle.numbers.map(String.init).joined(separator: " ")
        let ended = replay(path)
        if !moves.isEmpty, ended.entries.count == 1 {
            // Every number was used (fast mode's one chain): the moves end elsewhere than 24.
            return "I found no way to make 24 from \(numbers): my moves end at \(ended.listed), not 24.\nThe moves: " + moves.joined(separator: "; ")
        }
        let tried = moves.isEmpty ? "" : "\nThe most promising moves: " + moves.joined(separator: "; ")
        return "I found no way to make 24 from \(numbers) in the time I had." + tried
    }

    /// Answers are checked expressions: equal text, equal answer.
    public func voteKey(for answer: String) -> String { answer }

    /// The numbers left after `path`, replayed from the puzzle (thoughts that are not
    /// moves, or break the rules, are skipped).
    public func replay(_ path: [Thought]) -> Game24State {
        var state = Game24State(numbers: puzzle.numbers)
        for thought in path {
            guard let move = Self.move(in: thought.text), let equals = thought.text.firstIndex(of: "="),
                let value = Game24Number(thought.text[thought.text.index(after: equals)...].split(separator: " ").first ?? ""),
                case .success(let next) = state.applying(move, result: value)
            else { continue }
            state = next
        }
        return state
    }

    /// The move a thought's text starts with ("4 + 8" of "4 + 8 = 12 (left: 4 6 12)").
    static func move(in text: String) -> Game24Move? {
        Game24Move(String(text.prefix { $0 != "=" }))
    }
}
