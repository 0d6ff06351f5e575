import Agent
import AgentTools
import DeliberationTasks
import Foundation
import Inference
import InferenceAdapter
import Synchronization
import Testing
import Training
@testable import Distillation

/// A model that is never asked to write: the collector with a zero budget uses the solver.
private struct SilentModel: LanguageModel {
    let name = "silent"
    let nativeToolCallFormat: ToolCallFormat? = nil
    let vocabulary: TokenVocabulary? = nil
    func makeSession() async throws -> any LanguageModelSession { RecordingSession() }
}

/// Records what the search's task lays out: the started messages, then every appended text.
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
    func fork() async throws -> any LanguageModelSession { RecordingSession() }
}

/// Game of 24 traces: verified, in the search's own context, never of an evaluation puzzle.
struct Game24TraceTests {
    static let repository = CurriculumTests.repository
    static let prompts = PromptLibrary(directory: repository.appendingPathComponent("prompts").path)

    static func items(count: Int, seed: UInt64) throws -> [CurriculumItem] {
        try CurriculumTests.curriculum.items(kinds: [.game24], perKind: count, seed: seed)
    }

    /// The moves a trace's assistant turn writes, as the search lists them ("8 + 4 =").
    static func candidates(in turn: String) -> [String] {
        turn.split(separator: "\n").compactMap { line in line.firstIndex(of: "=").map { String(line[...$0]) } }
    }

    @Test("every trace is verified by the checker; the moves trace is the search's context and its moves, written as the search writes them")
    func verifiedAndExact() async throws {
        let collector = Game24TraceCollector(model: SilentModel(), prompts: Self.prompts, budget: .zero, seed: 3)
        for item in try Self.items(count: 6, seed: 11) {
            guard case .game24(let numbers) = item.expected else { Issue.record("\(item.id) is not a puzzle"); continue }
            let puzzle = Game24Puzzle(numbers: numbers)
            let traces = try await collector.traces(for: item)
            #expect(traces.count == 1 + 1 + Game24TraceWordings.wordings.count)
            let moves = try #require(traces.first)
            #expect(moves.template == "game24-moves" && moves.id == "\(item.id)-moves-solver" && moves.kind == .game24)

            // Replayed through the search's task, the trace is exactly what the search's session reads.
            let task = Game24Task(puzzle: puzzle, prompts: Self.prompts, vocabulary: nil)
            let session = RecordingSession()
            try await task.begin(in: session)
            var path: [Thought] = []
            let turn = try #require(moves.messages.last)
            #expect(turn.role == .assistant)
            for candidate in Self.candidates(in: turn.content) {
                #expect(task.candidates(after: path)?.contains(candidate) == true, "\(candidate) is one of the listed moves")
                path.append(try #require(try await task.write(candidate, after: path, in: session)))
            }
            #expect(moves.messages.dropLast().map(\.message) == session.started.withLock { $0 })
            #expect(moves.messages.dropLast().allSatisfy { $0.weight == ($0.role == .assistant ? 0 : nil) }, "the examples' replies are context")
            #expect(turn.weight == nil && moves.question.hasPrefix("Numbers: "))
            #expect(session.appended.withLock { $0 } == turn.content + "\n")
            let expression = try #require(path.last?.answer)
            #expect(path.last?.solves == true)
            #expect(Game24Checker.check(expression, puzzle: puzzle) == .solves)

            // Answer traces: a question fast mode recognises as this puzzle, and the checked expression.
            for trace in traces.dropFirst() {
                #expect(trace.template.hasPrefix("game24-answer-"))
                #expect(Game24Puzzle(question: trace.question)?.numbers.sorted() == numbers.sorted(), "\(trace.question)")
                let answer = try #require(trace.messages.last?.content)
                let stated = try #require(answer.components(separatedBy: "Answer: ").last)
                #expect(Game24Checker.check(stated, puzzle: puzzle) == .solves, "\(answer)")
            }
            // The file's lines are what `ponder train --data` reads.
            let lines = try traces.map { try $0.jsonLine() }.joined(separator: "\n")
            let read = try TrainingData.parse(lines, path: "traces.jsonl")
            #expect(read.map { $0.messages.map(\.content) } == traces.map { $0.messages.map(\.content) })
        }
    }

    @Test("no trace is of an evaluation puzzle or of ranks 901-1000, and such items are refused")
    func neverEvaluationPuzzles() async throws {
        let evaluation = Set(try CurriculumTests.evaluationItems().compactMap { $0["numbers"] as? [Int] }.map { $0.sorted() })
        #expect(evaluation.count > 50)
        let collector = Game24TraceCollector(model: SilentModel(), prompts: Self.prompts, budget: .zero, seed: 1)
        for item in try Self.items(count: 20, seed: 2) {
            for trace in try await collector.traces(for: item) {
                let rank = try #require(Int(trace.id.split(separator: "-")[2]))
                #expect(rank <= 900)
                let asked = trace.messages.last { $0.role == .user }?.content ?? ""
                let numbers = asked.matches(of: /\d+/).compactMap { Int($0.output) }.filter { $0 != 24 }
                #expect(!evaluation.contains(numbers.sorted()), "\(trace.id): \(asked)")
            }
        }
        let reserved = CurriculumItem(id: "game24-rank-950", kind: .game24, template: "game24-make", question: "Can you make 24 from 1 2 3 4?", expected: .game24(numbers: [1, 2, 3, 4]))
        await #expect(throws: Game24TraceError.reservedForEvaluation(id: "game24-rank-950")) { try await collector.traces(for: reserved) }
        let other = CurriculumItem(id: "arithmetic-1", kind: .arithmetic, template: "sum-add", question: "Please add 2 to 3.", expected: .number(value: "5"))
        await #expect(throws: Game24TraceError.notAGame24Item(id: "arithmetic-1")) { try await collector.traces(for: other) }
        let unsolvable = CurriculumItem(id: "game24-rank-5", kind: .game24, template: "game24-make", question: "Can you make 24 from 1 1 1 1?", expected: .game24(numbers: [1, 1, 1, 1]))
        await #expect(throws: Game24TraceError.noSolution(numbers: [1, 1, 1, 1])) { try await collector.traces(for: unsolvable) }
    }

    @Test("as the trace collector's kind collector: the traces, or an unsolvable puzzle rejected as a wrong expression")
    func kindCollector() async throws {
        let collector: any KindTraceCollector = Game24TraceCollector(model: SilentModel(), prompts: Self.prompts, budget: .zero, seed: 1)
        let item = try #require(try Self.items(count: 1, seed: 9).first)
        guard case .success(let traces) = try await collector.traces(for: item, attempt: 0, temperature: 0, seed: 1) else {
            Issue.record("a solvable puzzle gave no traces")
            return
        }
        #expect(traces.first?.template == "game24-moves" && traces.count == 4)
        let unsolvable = CurriculumItem(id: "game24-rank-5", kind: .game24, template: "game24-make", question: "Can you make 24 from 1 1 1 1?", expected: .game24(numbers: [1, 1, 1, 1]))
        let rejected = try await collector.traces(for: unsolvable, attempt: 1, temperature: 0.7, seed: 2)
        #expect(rejected == .failure(.expressionWrong))
    }

    @Test("with the real model: searched or solved paths, and the moves trace's tokens are the search's tokens")
    func realModel() async throws {
        let path = Self.repository.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
        try #require(FileManager.default.fileExists(atPath: path), "the default model is missing: run tools/setup")
        let engine = try Model(path: path)
        let model = LocalLanguageModel(model: engine, name: "smollm2", promptCache: nil)
        let collector = Game24TraceCollector(model: model, prompts: Self.prompts, budget: .seconds(8), seed: 0)
        let encoder = TrainingDataEncoder(model: engine)
        for item in try Self.items(count: 2, seed: 4) {
            let traces = try await collector.traces(for: item)
            let moves = try #require(traces.first)
            #expect(moves.id.hasSuffix("-search") || moves.id.hasSuffix("-solver"))
            guard case .game24(let numbers) = item.expected else { continue }
            // What the engine reads when the search weighs the last move: the chat template's
            // prompt, then each move and its result tokenised as they are appended.
            let task = Game24Task(puzzle: Game24Puzzle(numbers: numbers), prompts: Self.prompts, vocabulary: model.vocabulary)
            var tokens = engine.chatTokens(try task.openingMessages().map(ChatMessage.init))
            let prompt = tokens.count
            var thoughts: [Thought] = []
            for candidate in Self.candidates(in: moves.messages.last?.content ?? "") {
                let thought = try #require(task.thought(for: candidate, after: thoughts))
                tokens += engine.tokenizer.encode(candidate, addSpecial: false)
                if thoughts.count < 2 { tokens += engine.tokenizer.encode(String(thought.text.dropFirst(candidate.count)), addSpecial: false) }
                thoughts.append(thought)
            }
            let conversation = TrainingConversation(line: 1, messages: moves.messages.map { ChatMessage($0.message) })
            let encoded = try encoder.encode(conversation).get()
            #expect(Array(encoded.tokens.prefix(tokens.count)) == tokens)
            // The moves are learned; the puzzle's turn before them is not. (The propose prompt's
            // few-shot replies are assistant turns too, and are learned with every trace.)
            #expect(encoded.lossMask[prompt..<tokens.count].allSatisfy { $0 })
            #expect(encoded.lossMask[(prompt - 8)..<prompt].allSatisfy { !$0 })
        }
    }
}
