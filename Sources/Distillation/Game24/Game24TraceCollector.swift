import Agent
import DeliberationTasks
import Foundation
import Inference

/// Training traces of a Game of 24 puzzle of the curriculum: a solution path, verified
/// by the exact checker, written the way the model reads and writes it.
///
/// The path comes from the deliberate search with the current model (within `budget`);
/// when the search does not solve the puzzle in time (or the budget is zero), from the
/// exhaustive solver over the same moves (`Game24Solver`): the curriculum knows that
/// a puzzle is solvable, not how. Each trace's id says which (`…-search`, `…-solver`).
///
/// Two kinds of trace:
/// - **moves** (template `game24-moves`): the search's propose prompt (instructions,
///   examples with their replies at weight 0, "Numbers: …") and, as the model's turn, the path's thoughts exactly as
///   the search appends them ("8 + 4 = 12 (left: 4 6 12)" …). Every move is thus learned
///   after the very context the search, and fast mode's direct chain, weigh it in.
/// - **answers** (templates `game24-answer-*`): the question in a user's words and the
///   answer fast mode gives it: the moves and "Answer: (8 + 4) * (6 - 4) = 24", the turn
///   as the conversation's history keeps it.
public struct Game24TraceCollector: Sendable {
    /// The model whose search finds the paths.
    public let model: any LanguageModel
    /// The prompts folder (`game24/propose.md` is the proposal context).
    public let prompts: PromptLibrary
    /// The search's time per puzzle; zero: the solver alone.
    public let budget: Duration
    /// The search's seed, and the choice among the solver's paths.
    public var seed: UInt64
    /// Whether to write the answer traces besides the moves trace.
    public var answerTraces = true

    /// A collector searching with `model` for `budget` per puzzle.
    public init(model: any LanguageModel, prompts: PromptLibrary, budget: Duration, seed: UInt64) {
        self.model = model
        self.prompts = prompts
        self.budget = budget
        self.seed = seed
    }

    /// Where a trace's solution path came from.
    public enum Source: String, Sendable {
        /// The deliberate search with the current model.
        case search
        /// The exhaustive solver, after the search did not solve the puzzle in its budget.
        case solver
    }

    /// The traces of `item` (a `.game24` item of ranks 1–900): the moves trace, then the
    /// answer traces. Throws when the item is not a trainable puzzle or no verified path exists.
    public func traces(for item: CurriculumItem) async throws -> [TrainingTrace] {
        let numbers = try Self.trainableNumbers(of: item)
        let task = Game24Task(puzzle: Game24Puzzle(numbers: numbers), prompts: prompts, vocabulary: model.vocabulary)
        let (path, source) = try await solutionPath(for: task)
        let expression = try Self.verifiedExpression(of: path, task: task)
        var traces = [try movesTrace(item: item, task: task, path: path, source: source)]
        if answerTraces {
            let answer = task.answer(from: path, finished: true)
            traces += Game24TraceWordings.questions(for: item, numbers: numbers).map { wording, question in
                TrainingTrace(
                    id: "\(item.id)-answer-\(wording)-\(source.rawValue)", kind: .game24, template: "game24-answer-\(wording)",
                    messages: [TraceMessage(role: .user, content: question), TraceMessage(role: .assistant, content: answer)])
            }
            // Each answer trace states the checked expression.
            guard answer.hasSuffix("Answer: \(expression)") else { throw Game24TraceError.notVerified(id: item.id, reason: "the answer does not end with \(expression)") }
        }
        return traces
    }

    /// The moves trace: the propose prompt, then the path as the model's turn.
    func movesTrace(item: CurriculumItem, task: Game24Task, path: [Thought], source: Source) throws -> TrainingTrace {
        // The examples' replies are context, not targets (weight 0).
        let opening = try task.openingMessages().map { TraceMessage(role: $0.role, content: $0.content, weight: $0.role == .assistant ? 0 : nil) }
        let turn = Self.turn(of: path)
        return TrainingTrace(
            id: "\(item.id)-moves-\(source.rawValue)", kind: .game24, template: "game24-moves",
            messages: opening + [TraceMessage(role: .assistant, content: turn)])
    }

    /// The model's turn of a path: its thoughts as the search appends them, one per
    /// line (the last line's newline dropped: the turn ends there).
    public static func turn(of path: [Thought]) -> String {
        var text = path.map(\.text).joined()
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// A solved path: the search's, else the solver's.
    func solutionPath(for task: Game24Task) async throws -> ([Thought], Source) {
        if budget > .zero {
            let options = DeliberationOptions(budget: budget, seed: seed)
            let result = try await Deliberation(model: model, options: options).run(task)
            if result.solved, let path = Self.replayed(result, task: task) { return (path, .search) }
        }
        let solver = Game24Solver(task: task)
        // The walk is a few thousand moves of CPU work: it runs on a thread of its own,
        // not on the cooperative pool the model's calls and deadlines need.
        let solutions = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: solver.solutions()) }
        }
        // Paths through whole numbers read as people solve the game; fractions only when needed.
        let whole = solutions.filter(\.wholeNumbers)
        let pool = whole.isEmpty ? solutions : whole
        guard !pool.isEmpty else { throw Game24TraceError.noSolution(numbers: task.puzzle.numbers) }
        var random = SeededGenerator(seed: seed &+ task.puzzle.numbers.reduce(0) { $0 &* 131 &+ UInt64($1) })
        let chosen = pool[Int.random(in: 0..<pool.count, using: &random)]
        guard let path = solver.path(chosen.moves) else {
            throw Game24TraceError.notVerified(id: chosen.moves.joined(separator: " "), reason: "the solver's moves do not replay through the task")
        }
        return (path, .solver)
    }

    /// The search's chosen path rebuilt move by move through the task (the tree keeps
    /// the thoughts' texts); nil when a move does not replay to the same text.
    static func replayed(_ result: DeliberationResult, task: Game24Task) -> [Thought]? {
        var path: [Thought] = []
        for id in result.path {
            let text = result.tree.nodes[id].text
            guard let equals = text.firstIndex(of: "=") else { return nil }
            let candidate = String(text[...equals])
            guard let thought = task.thought(for: candidate, after: path), thought.text.trimmingCharacters(in: .newlines) == text else { return nil }
            path.append(thought)
        }
        return path
    }

    /// The path's final expression, checked exactly against the puzzle.
    static func verifiedExpression(of path: [Thought], task: Game24Task) throws -> String {
        guard let last = path.last, last.solves, let expression = last.answer else {
            throw Game24TraceError.notVerified(id: task.puzzle.numbers.map(String.init).joined(separator: " "), reason: "the path does not end in 24")
        }
        let verdict = Game24Checker.check(expression, puzzle: task.puzzle)
        guard verdict == .solves else {
            throw Game24TraceError.notVerified(id: expression, reason: "the checker found \(verdict)")
        }
        return expression
    }

    /// The puzzle's numbers, when `item` is a Game of 24 item that may be trained on:
    /// ranks 901–1000 of the public list are for evaluation only.
    static func trainableNumbers(of item: CurriculumItem) throws(Game24TraceError) -> [Int] {
        guard item.kind == .game24, case .game24(let numbers) = item.expected, numbers.count == 4 else { throw .notAGame24Item(id: item.id) }
        if let rank = Int(item.id.replacing("game24-rank-", with: "")), rank > 900 { throw .reservedForEvaluation(id: item.id) }
        return numbers
    }
}

/// Why a Game of 24 item gave no trace.
public enum Game24TraceError: Error, Equatable, CustomStringConvertible {
    /// The item is not a Game of 24 puzzle of four numbers.
    case notAGame24Item(id: String)
    /// The puzzle's rank is one of 901–1000, kept for evaluation.
    case reservedForEvaluation(id: String)
    /// No sequence of moves makes 24.
    case noSolution(numbers: [Int])
    /// The path or the answer failed the exact check.
    case notVerified(id: String, reason: String)

    public var description: String {
        switch self {
        case .notAGame24Item(let id): "\(id) is not a Game of 24 item (kind game24, four numbers): it was given to the Game of 24 collector by mistake"
        case .reservedForEvaluation(let id): "\(id): ranks 901-1000 are kept for evaluation and never trained on; use the curriculum's list of ranks 1-900"
        case .noSolution(let numbers): "no moves make 24 from \(numbers.map(String.init).joined(separator: " ")): the puzzle list holds an unsolvable puzzle"
        case .notVerified(let id, let reason): "\(id): the trace was not kept because \(reason)"
        }
    }
}
