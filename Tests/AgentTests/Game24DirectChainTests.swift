import AgentTools
import Foundation
import Synchronization
import Testing
@testable import Agent
@testable import DeliberationTasks

/// A model that scores listed moves by a table (move → log-probability, the rest −10) and
/// records what its sessions read: the started messages, then every appended text.
private final class MoveTableModel: LanguageModel, Sendable {
    let name = "move table"
    let nativeToolCallFormat: ToolCallFormat? = nil
    let vocabulary: TokenVocabulary? = TokenVocabulary(pieces: ["a"])
    let preferred: [String: Double]
    let weighings = Mutex(0)

    init(preferring preferred: [String: Double]) {
        self.preferred = preferred
    }

    func makeSession() async throws -> any LanguageModelSession { RecordingSession() }

    func logProbabilities(of continuations: [String], after session: any LanguageModelSession) async throws -> [Double]? {
        weighings.withLock { $0 += 1 }
        return continuations.map { preferred[$0] ?? -10 }
    }
}

private final class RecordingSession: LanguageModelSession, Sendable {
    let started = Mutex<[Message]>([])
    let appended = Mutex("")

    var usage: TokenUsage { get async { TokenUsage() } }
    func start(_ messages: [Message], assistantPrefix: String, stablePrefix: Int) async throws {
        started.withLock { $0 = messages }
        appended.withLock { $0 = assistantPrefix }
    }
    func append(_ text: String) async throws { appended.withLock { $0 += text } }
    func generate(_ request: GenerationRequest, onText: @escaping @Sendable (String) -> Bool) async throws -> GenerationOutcome {
        GenerationOutcome(text: "", stopReason: .endOfTurn, tokenCount: 0)
    }
    func fork() async throws -> any LanguageModelSession {
        let copy = RecordingSession()
        copy.started.withLock { $0 = started.withLock { $0 } }
        copy.appended.withLock { $0 = appended.withLock { $0 } }
        return copy
    }
}

private func task(_ numbers: [Int]) -> Game24Task {
    Game24Task(puzzle: Game24Puzzle(numbers: numbers), prompts: repositoryPrompts, vocabulary: nil)
}

@Test func theSolverFindsOnlyCheckedPathsAndNoneForAnUnsolvablePuzzle() throws {
    let solver = Game24Solver(task: task([4, 4, 6, 8]))
    let solutions = solver.solutions()
    // (8 + 4) * (6 - 4) and (8 - 2) * 4 after 6 - 4; other orders of the same moves reach
    // positions already walked and are not listed again.
    #expect(solutions == [
        Game24Solver.Solution(moves: ["6 - 4 =", "8 + 4 =", "12 * 2 ="], wholeNumbers: true),
        Game24Solver.Solution(moves: ["6 - 4 =", "8 - 2 =", "6 * 4 ="], wholeNumbers: true),
    ])
    for solution in solutions {
        let path = try #require(solver.path(solution.moves))
        #expect(path.count == 3)
        let expression = try #require(path.last?.answer)
        #expect(Game24Checker.check(expression, puzzle: Game24Puzzle(numbers: [4, 4, 6, 8])) == .solves)
        #expect(solution.wholeNumbers == !path.contains { $0.text.contains(/\d\/\d/) })
    }
    // 3 3 8 8 needs a fraction: 8 / (3 - 8 / 3).
    let fractions = Game24Solver(task: task([3, 3, 8, 8])).solutions()
    #expect(fractions.map(\.moves) == [["8 / 3 =", "3 - 8/3 =", "8 / 1/3 ="]])
    #expect(fractions.allSatisfy { !$0.wholeNumbers })
    #expect(Game24Solver(task: task([1, 1, 1, 1])).solutions().isEmpty)
    #expect(solver.path(["8 + 5 ="]) == nil)
}

@Test func aThoughtWithoutASessionIsWhatWritingAppends() async throws {
    let game = task([4, 4, 6, 8])
    let session = RecordingSession()
    try await game.begin(in: session)
    #expect(session.started.withLock { $0 } == (try game.openingMessages()))
    var path: [Thought] = []
    for candidate in ["8 + 4 =", "6 - 4 =", "12 * 2 ="] {
        let offline = try #require(game.thought(for: candidate, after: path))
        let written = try #require(try await game.write(candidate, after: path, in: session))
        #expect(offline == written)
        path.append(written)
    }
    #expect(session.appended.withLock { $0 } == path.map(\.text).joined())
    #expect(path.last?.solves == true)
}

@Test func theDirectChainFollowsTheModelsLikeliestMoveAndChecksTheEnd() async throws {
    let model = MoveTableModel(preferring: ["8 + 4 =": -0.1, "6 - 4 =": -0.2, "12 * 2 =": -0.1])
    let result = try await DirectChain(model: model).run(task([4, 4, 6, 8]))
    #expect(result.solved)
    #expect(result.tree.nodes.dropFirst().map(\.text) == ["8 + 4 = 12 (left: 4 6 12)", "6 - 4 = 2 (left: 12 2)", "12 * 2 = 24 (left: 24)"])
    #expect(result.answer.hasSuffix("Answer: (8 + 4) * (6 - 4) = 24"))
    #expect(model.weighings.withLock { $0 } == 3)

    // A chain that ends away from 24 says so, with no answer to check.
    let astray = try await DirectChain(model: MoveTableModel(preferring: ["8 + 4 =": 0, "12 + 6 =": 0, "18 + 4 =": 0])).run(task([4, 4, 6, 8]))
    #expect(!astray.solved && !astray.finished)
    #expect(astray.tree.nodes.last?.note == "ends at 22, not 24")
    #expect(astray.answer.contains("no way to make 24"))
}

@Test func fastModeAnswersARecognisedPuzzleByTheChainAndOtherQuestionsByThePlanner() async throws {
    let model = MoveTableModel(preferring: ["8 + 4 =": -0.1, "6 - 4 =": -0.2, "12 * 2 =": -0.1])
    let recogniser: DeliberateMode.TaskRecogniser = { Game24Task.recognising($0, prompts: repositoryPrompts, vocabulary: nil) }
    let policy = DeliberationPolicy(recognisers: [recogniser])
    let planner = Planner(model: model, tools: [Calculator()], layout: ConversationLayout(prompts: repositoryPrompts))
    let answer = try #require(try await policy.directAnswer("Can you make 24 from 4 4 6 8?", planner: planner))
    #expect(answer.mode == .fast)
    #expect(answer.answer.hasSuffix("= 24"))
    #expect(answer.steps.map(\.input) == ["8 + 4", "6 - 4", "12 * 2"])
    #expect(try await policy.directAnswer("What is 24 times 78?", planner: planner) == nil)
    // Without tools (a plain chat) the planner answers in words.
    let chat = Planner(model: model, tools: [], layout: ConversationLayout(prompts: repositoryPrompts))
    #expect(try await policy.directAnswer("Can you make 24 from 4 4 6 8?", planner: chat) == nil)
}
