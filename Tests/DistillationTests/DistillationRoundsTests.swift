import Agent
import Foundation
import Testing
@testable import Distillation

/// What a distillation round is measured with: the planner's evaluation sets read as
/// curriculum items, answers scored as the evaluation scores them, and the report.
struct DistillationRoundsTests {
    static let sets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/eval-sets").path

    @Test("the dev and test splits of the three sets are read, pages with the browsing questions")
    func readsTheSets() throws {
        let dev = try EvaluationSet.load(directory: Self.sets, sets: EvaluationSet.names, split: "dev")
        let test = try EvaluationSet.load(directory: Self.sets, sets: EvaluationSet.names, split: "test")
        #expect(dev.filter { $0.set == "arithmetic" }.count == 171)
        #expect(test.filter { $0.set == "arithmetic" }.count == 148)
        #expect(dev.filter { $0.set == "browsing" }.allSatisfy { $0.item.page != nil && $0.item.question.contains("{base}") })
        #expect(Set(dev.map(\.item.id)).isDisjoint(with: test.map(\.item.id)))
        guard case .plot(let data)? = dev.first(where: { $0.set == "plotting" })?.item.expected else {
            Issue.record("a plotting question without its data"); return
        }
        #expect(!data.isEmpty)
        #expect(throws: EvaluationSetError.unknownSet(name: "game24")) {
            try EvaluationSet.load(directory: Self.sets, sets: ["game24"], split: "dev")
        }
        #expect(throws: EvaluationSetError.unreadable(path: "/nonexistent/arithmetic.jsonl")) {
            try EvaluationSet.load(directory: "/nonexistent", sets: ["arithmetic"], split: "dev")
        }
    }

    static func question(_ expected: CurriculumItem.Expectation) -> EvaluationSet.Question {
        EvaluationSet.Question(
            set: "arithmetic", kind: "quotient",
            item: CurriculumItem(id: "a-1", kind: .arithmetic, template: "quotient", question: "What's 84 over 3?", expected: expected))
    }

    @Test("a right number is correct even when the verifier refuses how it was reached; a wrong one is not")
    func scoring() {
        let evaluation = DevEvaluation(planner: Planner(model: ScriptedNothing(), tools: [], layout: ConversationLayout(prompts: PromptLibrary(directory: "/nonexistent"))))
        let grounded = AgentAnswer(answer: "84 / 3 = 28.", steps: [AgentStep(tool: "calc", input: "84/3", output: "28", ok: true, ms: 1)])
        let unaided = AgentAnswer(answer: "It is 28.")
        let wrong = AgentAnswer(answer: "84 × 3 = 252.", steps: [AgentStep(tool: "calc", input: "84*3", output: "252", ok: true, ms: 1)])
        let question = Self.question(.number(value: "28"))
        #expect(evaluation.score(grounded, for: question).correct && evaluation.score(grounded, for: question).verified)
        let scoredUnaided = evaluation.score(unaided, for: question)
        #expect(scoredUnaided.correct && !scoredUnaided.verified && scoredUnaided.rejection != nil)
        #expect(!evaluation.score(wrong, for: question).correct)
        let tally = EvaluationTally([evaluation.score(grounded, for: question), evaluation.score(wrong, for: question)])
        #expect(tally.sets["arithmetic"] == EvaluationTally.Count(correct: 1, total: 2))
        #expect(tally.table.contains("arithmetic/quotient") && tally.table.contains("50.0% (1/2)"))
    }

    @Test("the report tables accuracy by round and kind, and draws it as a PNG")
    func report() throws {
        func round(_ number: Int, right: Int) -> DistillationReport.Round {
            let results = (0..<4).map { index in
                EvaluationResult(id: "q\(index)", set: "arithmetic", kind: "sum", correct: index < right, verified: false, rejection: nil, seconds: 1)
            }
            return DistillationReport.Round(round: number, traces: number == 0 ? [:] : ["arithmetic": 5], trainedOn: 5 * number, adapter: nil,
                                            evaluation: EvaluationTally(results))
        }
        let report = DistillationReport(rounds: [round(0, right: 1), round(1, right: 3)], command: "ponder distill run --rounds 1")
        #expect(report.markdown.contains("| 0 | 0 | 0 | 25.0% (1/4) |"), "\(report.markdown)")
        #expect(report.markdown.contains("| 1 | 5 | 5 | 75.0% (3/4) |"), "\(report.markdown)")
        #expect(report.markdown.contains("| arithmetic/sum | 25.0% (1/4) | 75.0% (3/4) |"), "\(report.markdown)")
        let png = report.png()
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let decoded = try JSONDecoder().decode(DistillationReport.self, from: JSONEncoder().encode(report))
        #expect(decoded == report)
    }
}

/// A model that is never asked anything: scoring needs a planner, not its answers.
private struct ScriptedNothing: LanguageModel {
    var nativeToolCallFormat: ToolCallFormat? { nil }
    var name: String { "nothing" }
    var vocabulary: TokenVocabulary? { nil }
    func makeSession() async throws -> any LanguageModelSession { throw CancellationError() }
}
