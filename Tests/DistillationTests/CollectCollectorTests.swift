import Agent
import AgentTools
import Foundation
import Synchronization
import Testing
@testable import Distillation

/// The collector's loop on a scripted model with the real calculator: what is kept,
/// the trace's form (the planner's prompt, then the turn), sampling, caps, skipped kinds.
struct CollectCollectorTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A model that writes, for each question, the text `script` gives (per temperature),
    /// stopping at the request's stop strings as a real one would.
    final class ScriptedModel: LanguageModel, @unchecked Sendable {
        let script: @Sendable (_ question: String, _ temperature: Double) -> String
        init(script: @escaping @Sendable (String, Double) -> String) { self.script = script }
        var name: String { "scripted" }
        var nativeToolCallFormat: ToolCallFormat? { nil }
        var vocabulary: TokenVocabulary? { nil }
        func makeSession() async throws -> any LanguageModelSession { Session(script: script) }

        final class Session: LanguageModelSession, @unchecked Sendable {
            let script: @Sendable (String, Double) -> String
            private let state = Mutex<(question: String, written: Int)>(("", 0))
            init(script: @escaping @Sendable (String, Double) -> String) { self.script = script }
            func start(_ messages: [Message], assistantPrefix: String, stablePrefix: Int) async throws {
                let question = messages.last { $0.role == .user }?.content ?? ""
                state.withLock { $0 = (question, 0) }
            }
            func append(_ text: String) async throws {}
            func generate(_ request: GenerationRequest, onText: @escaping @Sendable (String) -> Bool) async throws -> GenerationOutcome {
                let (question, written) = state.withLock { $0 }
                let text = script(question, request.temperature)
                let rest = String(text.dropFirst(written))
                let stop = request.stopStrings.compactMap { stop in rest.range(of: stop).map { (stop, $0) } }.min { $0.1.lowerBound < $1.1.lowerBound }
                let piece = stop.map { String(rest[..<$0.1.lowerBound]) } ?? rest
                state.withLock { $0.written = written + piece.count + (stop?.0.count ?? 0) }
                if !piece.isEmpty { _ = onText(piece) }
                return GenerationOutcome(text: piece, stopReason: stop.map { .stopString($0.0) } ?? .endOfTurn, tokenCount: max(1, piece.count / 4))
            }
            func fork() async throws -> any LanguageModelSession { self }
            var usage: TokenUsage { TokenUsage() }
        }
    }

    static func item(_ index: Int, _ kind: CurriculumItem.Kind, _ question: String, _ expected: CurriculumItem.Expectation) -> CurriculumItem {
        CurriculumItem(id: "\(kind.rawValue)-\(index)", kind: kind, template: "t\(index)", question: question, expected: expected)
    }

    static func collector(samples: Int = 0, cap: Int? = nil, script: @escaping @Sendable (String, Double) -> String) -> TraceCollector {
        let planner = Planner(
            model: ScriptedModel(script: script), tools: [Calculator()],
            layout: ConversationLayout(prompts: PromptLibrary(directory: repository.appendingPathComponent("prompts").path)))
        return TraceCollector(planner: planner, options: TraceCollectionOptions(samples: samples, temperature: 0.8, seed: 3, maximumPerKind: cap))
    }

    static func run(_ collector: TraceCollector, _ items: [CurriculumItem]) async throws -> (outcomes: [String: CollectionOutcome], summary: CollectionSummary) {
        var outcomes: [String: CollectionOutcome] = [:]
        var summary = CollectionSummary()
        for try await event in collector.collect(items) {
            switch event {
            case .finished(_, let item, let outcome): outcomes[item.id] = outcome
            case .summary(let done): summary = done
            default: break
            }
        }
        return (outcomes, summary)
    }

    @Test("verified runs become the planner's prompt plus the turn; wrong ones are counted by reason; the Game of 24 is skipped with a note")
    func keepsVerified() async throws {
        let collector = Self.collector { question, _ in
            switch question {
            case "What is 12 times 34?": "<calc>12*34</calc> So it is 408."
            case "What is 5 plus 6?": "<calc>5+6</calc> So it is 12."
            default: "Hello there, nice to meet you!"
            }
        }
        let items = [
            Self.item(0, .arithmetic, "What is 12 times 34?", .number(value: "408")),
            Self.item(1, .arithmetic, "What is 5 plus 6?", .number(value: "11")),
            Self.item(2, .chat, "Hi!", .reply),
            Self.item(3, .game24, "Make 24 from 4 5 6 10.", .game24(numbers: [4, 5, 6, 10])),
        ]
        let (outcomes, summary) = try await Self.run(collector, items)
        guard case .kept(let traces)? = outcomes["arithmetic-0"], let trace = traces.first else {
            Issue.record("the right answer was not kept: \(String(describing: outcomes["arithmetic-0"]))")
            return
        }
        let prompt = try collector.planner.conversation(for: "What is 12 times 34?").messages
        #expect(trace.messages.first?.role == .system)
        #expect(Array(trace.messages.prefix(prompt.count)).map(\.content) == prompt.map(\.content))
        #expect(trace.messages.count == prompt.count + 1)
        #expect(trace.question == "What is 12 times 34?")
        #expect(trace.messages.last?.role == .assistant)
        #expect(trace.messages.last?.content.contains("<calc>12*34</calc><result>408</result>") == true)
        #expect(trace.messages.filter { $0.role == .assistant && $0.weight == 0 }.count == prompt.filter { $0.role == .assistant }.count)
        #expect(outcomes["arithmetic-1"] == .rejected(.numberNotStated))
        if case .kept = outcomes["chat-2"] {} else { Issue.record("the chat reply was not kept") }
        #expect(outcomes["game24-3"] == nil)
        #expect(summary.tallies[.arithmetic]?.tried == 2)
        #expect(summary.tallies[.arithmetic]?.verified == 1)
        #expect(summary.tallies[.arithmetic]?.rejections == ["number-not-stated": 1])
        #expect(summary.tallies[.game24] == nil)
        #expect(summary.notes.contains { $0.hasPrefix("game24: 1 items skipped") })
    }

    @Test("a sampled run may rescue what greedy gets wrong; the greedy run's reason is counted otherwise")
    func sampling() async throws {
        let items = [Self.item(0, .arithmetic, "What is 5 plus 6?", .number(value: "11"))]
        let script: @Sendable (String, Double) -> String = { _, temperature in temperature == 0 ? "It is 12." : "<calc>5+6</calc> It is 11." }
        let greedy = try await Self.run(Self.collector(script: script), items)
        #expect(greedy.outcomes["arithmetic-0"] == .rejected(.noCalculation))
        let sampled = try await Self.run(Self.collector(samples: 2, script: script), items)
        if case .kept = sampled.outcomes["arithmetic-0"] {} else { Issue.record("the sampled run was not kept") }
        #expect(sampled.summary.tallies[.arithmetic]?.verifiedBySampling == 1)
    }

    @Test("duplicates are dropped and a full kind is not tried again")
    func dedupAndCap() async throws {
        let collector = Self.collector(cap: 1) { _, _ in "Hello there, nice to meet you!" }
        let items = [Self.item(0, .chat, "Hi!", .reply), Self.item(1, .chat, "Hello!", .reply), Self.item(2, .chat, "Hey!", .reply)]
        let (outcomes, summary) = try await Self.run(collector, items)
        if case .kept = outcomes["chat-0"] {} else { Issue.record("the first reply was not kept") }
        // The kind is full after one: the others are not run.
        #expect(outcomes["chat-1"] == .skipped)
        #expect(outcomes["chat-2"] == .skipped)
        #expect(summary.tallies[.chat]?.tried == 1)
        let unlimited = try await Self.run(Self.collector { _, _ in "Same words." }, [Self.item(0, .chat, "Hi!", .reply), Self.item(1, .chat, "Hi!", .reply)])
        #expect(unlimited.outcomes["chat-1"] == .dropped(.duplicate))
    }
}
