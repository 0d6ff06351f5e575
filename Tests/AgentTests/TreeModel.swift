import Agent
import AgentTools
import Synchronization

/// A clock the test moves: the search reads it, the model advances it.
final class ManualClock: DeadlineClock {
    private let time = Mutex(Duration.zero)
    var now: Duration { time.withLock { $0 } }
    func advance(by duration: Duration) { time.withLock { $0 += duration } }
}

/// A model for search tests. Its sessions keep their context as text; `write`
/// decides what a proposal says from the context (the path so far) and the
/// sampling seed, and `values` gives the value prompt's probability of "sure" for
/// a state. Every generation costs `cost` on the clock.
final class TreeModel: LanguageModel, Sendable {
    let name = "tree"
    let nativeToolCallFormat: ToolCallFormat? = nil
    let vocabulary: TokenVocabulary? = nil
    let clock: ManualClock
    let cost: Duration
    let write: @Sendable (_ context: String, _ seed: UInt64) -> String
    let values: @Sendable (_ state: String) -> Double
    /// Called after every generation (a test may request a stop here).
    let afterGeneration: @Sendable (Int) -> Void
    /// Generation number `stallAt` takes `cost` on the clock, then hangs until
    /// `release` opens, cancelled or not (as the engine's prompt evaluation, one pass
    /// on its serial queue, does not stop when the task waiting for it is cancelled).
    let stallAt: Int?
    /// When set, the first `start` (the task laying out its context) takes `cost`
    /// on the clock, then hangs the same way.
    let stallAtStart: Bool
    /// Opens every stalled call; a test opens it when done, so nothing is left waiting.
    let release = Release()
    let generations = Mutex(0)

    init(
        clock: ManualClock, cost: Duration = .milliseconds(100), values: @escaping @Sendable (String) -> Double = { _ in 0.5 },
        afterGeneration: @escaping @Sendable (Int) -> Void = { _ in }, stallAt: Int? = nil, stallAtStart: Bool = false,
        write: @escaping @Sendable (String, UInt64) -> String
    ) {
        self.stallAt = stallAt
        self.stallAtStart = stallAtStart
        self.clock = clock
        self.cost = cost
        self.values = values
        self.afterGeneration = afterGeneration
        self.write = write
    }

    func makeSession() async throws -> any LanguageModelSession { TreeSession(model: self) }
}

/// A wait that ignores cancellation and ends only when `open()` is called.
final class Release: Sendable {
    private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    /// Returns once the release is open.
    func wait() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.open { return true }
                state.waiting.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Lets every waiting and future call through.
    func open() {
        let waiting = state.withLock { state in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}

final class TreeSession: LanguageModelSession, Sendable {
    let model: TreeModel
    let context: Mutex<String>
    private let counts = Mutex(TokenUsage())

    init(model: TreeModel, context: String = "") {
        self.model = model
        self.context = Mutex(context)
    }

    var usage: TokenUsage { get async { counts.withLock { $0 } } }

    func start(_ messages: [Message], assistantPrefix: String, stablePrefix: Int) async throws {
        let text = messages.map(\.content).joined(separator: "\n") + "\n" + assistantPrefix
        if model.stallAtStart, context.withLock({ $0.isEmpty }) {
            model.clock.advance(by: model.cost)
            await model.release.wait()
        }
        let shared = context.withLock { old in
            defer { old = text }
            return zip(old, text).prefix { $0 == $1 }.count
        }
        counts.withLock { $0.prompt += text.count - shared }
    }

    func append(_ text: String) async throws {
        context.withLock { $0 += text }
        counts.withLock { $0.prompt += text.count }
    }

    func generate(_ request: GenerationRequest, onText: @escaping @Sendable (String) -> Bool) async throws -> GenerationOutcome {
        model.clock.advance(by: model.cost)
        let count = model.generations.withLock { count in
            count += 1
            return count
        }
        defer { model.afterGeneration(count) }
        if count == model.stallAt { await model.release.wait() }
        let current = context.withLock { $0 }
        if request.alternatives > 0 {
            // A value prompt: the state is the last line of the context.
            let state = current.split(separator: "\n").last.map(String.init) ?? ""
            let sure = min(max(model.values(state), 0.0001), 0.9999)
            return GenerationOutcome(
                text: "s", stopReason: .maximumTokens, tokenCount: 1,
                alternatives: [[TokenAlternative(text: "s", logProbability: log(sure)), TokenAlternative(text: "imp", logProbability: log(1 - sure))]])
        }
        let text = model.write(current, request.seed)
        _ = onText(text)
        context.withLock { $0 += text + "\n" }
        counts.withLock { $0.generated += text.count }
        return GenerationOutcome(text: text, stopReason: .stopString("\n"), tokenCount: text.count)
    }

    func fork() async throws -> any LanguageModelSession {
        TreeSession(model: model, context: context.withLock { $0 })
    }
}

/// A task whose thoughts are whatever the model writes, read by convention:
/// "ANSWER x" ends with answer x, "WIN x" ends with x verified, "BAD …" fails its
/// check. The value prompt asks about the path's last thought.
struct LabelTask: DeliberationTask {
    let name = "labels"

    func begin(in session: any LanguageModelSession) async throws {
        try await session.start([Message(.user, "question")], assistantPrefix: "", stablePrefix: 0)
    }

    func writeThought(after path: [Thought], in session: any LanguageModelSession, sampling: ThoughtSampling) async throws -> Thought? {
        let outcome = try await session.generate(GenerationRequest(maximumTokens: 20, temperature: sampling.temperature, seed: sampling.seed)) {
            _ in !sampling.deadline.isPast
        }
        let text = outcome.text
        if text.isEmpty { return nil }
        if text.hasPrefix("BAD") { return Thought(text: text, verified: false, note: "wrong") }
        let words = text.split(separator: " ").map(String.init)
        if words.first == "WIN" { return Thought(text: text, verified: true, answer: words.dropFirst().first, solves: true) }
        if words.first == "ANSWER" { return Thought(text: text, answer: words.dropFirst().first) }
        return Thought(text: text)
    }

    func valuePreamble() throws -> [Message]? { [Message(.system, "judge")] }

    func valueQuestion(after path: [Thought]) -> String? { path.last.map { "state \($0.text)" } }

    func answer(from path: [Thought], finished: Bool) -> String {
        finished ? path.last?.answer ?? "" : "partial: " + path.map(\.text).joined(separator: " > ")
    }

    func voteKey(for answer: String) -> String { answer }
}

/// The last line of a context: the thought a proposal continues from.
func lastThought(_ context: String) -> String {
    context.split(separator: "\n").last.map(String.init) ?? ""
}

import Foundation
