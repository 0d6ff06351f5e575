import AgentTools
import Foundation
import Synchronization

/// Deliberate mode for everyday questions (arithmetic, a page, a figure): time buys
/// more runs of the grounded fast path, and checks and a vote choose among them.
///
/// Each round writes several candidates together (`GenerationBatch`: one batched
/// pass per token for all of them, on models that decode several sequences at
/// once): the first round holds the greedy run, which is what fast mode answers, and
/// samples at `options.temperature` with seeds of their own; later rounds hold
/// samples only. Every candidate is checked (`CandidateChecks`); the verified ones
/// vote (`CandidateVote`). The search stops when the vote is settled (an easy
/// question: the first round's three agree), when `options.maximumCandidates` were
/// written, or when the budget would not hold another round; it always answers, with
/// the greedy candidate when nothing was verified.
public struct EverydayDeliberation: Sendable {
    /// Writes each candidate (its tools, grounding and limits; sampling is set per candidate).
    public var planner: Planner
    /// What the question asks for.
    public var kind: EverydayKind
    /// Rounds, sampling and the vote.
    public var options: EverydayOptions
    /// Wall-clock time for the whole search.
    public var budget: Duration
    /// The base seed: candidate i samples with its own seed derived from it.
    public var seed: UInt64

    /// A search over candidates of `planner`'s runs for questions of `kind`.
    public init(planner: Planner, kind: EverydayKind, options: EverydayOptions = EverydayOptions(), budget: Duration, seed: UInt64 = 0) {
        self.planner = planner
        self.kind = kind
        self.options = options
        self.budget = budget
        self.seed = seed
    }

    /// The seed of candidate `index` (the greedy one's is the base seed).
    func seed(of index: Int) -> UInt64 {
        seed &+ UInt64(index) &* 1_000_003
    }

    /// Answers `question` (after the turns `history`) within the budget and
    /// `deadline`; stopping `deadline` ends it with the vote so far. `onProgress`
    /// hears after every candidate.
    public func run(
        _ question: String, history: [Message] = [], deadline given: Deadline = .unlimited(),
        onProgress: @escaping @Sendable (DeliberationProgress) -> Void = { _ in }
    ) async throws -> EverydayResult {
        let clock = given.clock
        let started = clock.now
        let deadline = given.limited(to: budget)
        let (messages, stablePrefix) = try planner.conversation(for: question, history: history)
        let model = planner.model
        // The conversation is read once; every candidate continues a fork of it.
        let base = try await BoundedCall.run(before: deadline) { () async throws -> any LanguageModelSession in
            let session = try await model.makeSession()
            try await session.start(messages, assistantPrefix: "", stablePrefix: stablePrefix)
            return session
        }
        var result = EverydayResult(kind: kind)
        guard let base else {
            result.stoppedBy = deadline.isStopped ? .stopRequest : .budget(budget)
            result.seconds = (clock.now - started).inSeconds
            return result
        }
        var lastRound = Duration.zero
        var rounds = 0
        while result.candidates.count < options.maximumCandidates {
            if !result.candidates.isEmpty {
                if result.vote.settled { break }
                if deadline.isPast || (deadline.remaining ?? .seconds(86_400)) < lastRound * options.roundTimeShare {
                    result.stoppedBy = deadline.isStopped ? .stopRequest : .budget(budget)
                    break
                }
            }
            let size = result.candidates.isEmpty ? options.firstRound : options.roundSize
            let indices = Array(result.candidates.count..<min(options.maximumCandidates, result.candidates.count + size))
            let roundStarted = clock.now
            rounds += 1
            let batch = GenerationBatch(model: model, members: indices.count)
            let tally = Tally(result)
            let forks = try await BoundedCall.run(before: deadline) { () async throws -> [any LanguageModelSession] in
                var forks: [any LanguageModelSession] = []
                for _ in indices { forks.append(try await base.fork()) }
                return forks
            }
            guard let forks else {
                result.stoppedBy = deadline.isStopped ? .stopRequest : .budget(budget)
                break
            }
            let round = rounds
            // Hang guard: a round ends by itself at the deadline (every candidate's run
            // watches it); past the grace, whatever finished answers and the rest is left.
            let ended = try await BoundedCall.run(before: Deadline(at: deadline.instant.map { $0 + options.grace }, on: clock)) {
                try await withThrowingTaskGroup(of: (Int, AgentAnswer).self) { group in
                    for (index, fork) in zip(indices, forks) {
                        var writer = planner
                        writer.options.temperature = index == 0 ? planner.options.temperature : options.temperature
                        writer.options.seed = seed(of: index)
                        group.addTask {
                            do {
                                let answer = try await writer.answer(
                                    question, history: history, session: BatchedSession(fork, batch: batch), deadline: deadline)
                                await batch.leave()
                                return (index, answer)
                            } catch {
                                await batch.leave()
                                throw error
                            }
                        }
                    }
                    for try await (index, answer) in group {
                        let temperature = index == 0 ? planner.options.temperature : options.temperature
                        let candidate = EverydayCandidate(
                            index: index, temperature: temperature, seed: seed(of: index), answer: answer, kind: kind, question: question)
                        let progress = tally.add(candidate, agreement: options.agreement(for: kind)) { result in
                            var progress = DeliberationProgress(
                                elapsed: clock.now - started, budget: budget, expanded: round, thoughts: result.candidates.count,
                                bestScore: result.leaderShare, depth: 1, answers: result.candidates.filter(\.verified).count,
                                thought: result.node(for: candidate), pruned: !candidate.verified)
                            progress.activity = "candidate \(index + 1)/\(options.maximumCandidates): \(candidate.summary)"
                            return progress
                        }
                        onProgress(progress)
                    }
                }
            }
            result = tally.result
            if ended == nil {
                result.stoppedBy = deadline.isStopped ? .stopRequest : .budget(budget)
                result.batches += await batch.sizes
                break
            }
            result.batches += await batch.sizes
            lastRound = clock.now - roundStarted
            if deadline.isStopped {
                result.stoppedBy = .stopRequest
                break
            }
        }
        result.seconds = (clock.now - started).inSeconds
        // A round left behind by the hang guard may still hold the engine: the shared
        // conversation's count is read only if it comes at once.
        let shared = try? await BoundedCall.run(before: Deadline.after(options.grace, on: clock)) { await base.usage }
        result.tokens = result.candidates.reduce((shared ?? nil) ?? TokenUsage()) { $0 + $1.answer.tokens }
        return result
    }
}

/// What an everyday search found: every candidate, its checks, and the vote.
public struct EverydayResult: Sendable {
    /// What the question asked for.
    public var kind: EverydayKind
    /// Every candidate, in the order they finished.
    public var candidates: [EverydayCandidate] = []
    /// The vote among the verified ones.
    public var vote = CandidateVote([], agreement: 1)
    /// How many sequences each batched pass wrote, in order.
    public var batches: [Int] = []
    /// Nil when the search ended by itself (a settled vote, every candidate written);
    /// else what ended it.
    public var stoppedBy: StopReason?
    /// Wall-clock seconds (by the deadline's clock).
    public var seconds: Double = 0
    /// Tokens read and written by every candidate and the shared conversation.
    public var tokens = TokenUsage()

    /// An empty result for a question of `kind`.
    public init(kind: EverydayKind) {
        self.kind = kind
    }

    /// The candidate that answers, if any.
    public var chosen: EverydayCandidate? {
        candidates.first { $0.index == vote.chosen }
    }

    /// The winner's share of the verified candidates (0 when none).
    var leaderShare: Double {
        let verified = vote.tallies.values.reduce(0, +)
        return verified == 0 ? 0 : Double(vote.tallies[vote.winner ?? ""] ?? 0) / Double(verified)
    }

    mutating func add(_ candidate: EverydayCandidate, agreement: Int) {
        candidates.append(candidate)
        vote = CandidateVote(candidates, agreement: agreement)
    }

    /// The tree node of `candidate`: a child of the question, its id one past its index.
    func node(for candidate: EverydayCandidate) -> ThoughtNode {
        let agreeing = candidate.voteKey.flatMap { vote.tallies[$0] } ?? 0
        let verified = vote.tallies.values.reduce(0, +)
        return ThoughtNode(
            id: candidate.index + 1, parent: 0, text: candidate.summary, score: candidate.verified && verified > 0 ? Double(agreeing) / Double(verified) : 0,
            verified: candidate.verified, depth: 1, answer: candidate.answer.answer,
            note: candidate.verified ? "vote: \(candidate.voteKey ?? "")" : candidate.failures)
    }
}

/// An everyday result shared between a round's candidates and the search, which may
/// stop waiting for the round (its hang guard) and answer with what finished.
private final class Tally: Sendable {
    private let state: Mutex<EverydayResult>

    init(_ result: EverydayResult) {
        state = Mutex(result)
    }

    var result: EverydayResult { state.withLock { $0 } }

    /// Adds `candidate` and returns what `report` makes of the result then.
    func add(
        _ candidate: EverydayCandidate, agreement: Int, report: (EverydayResult) -> DeliberationProgress
    ) -> DeliberationProgress {
        state.withLock { result in
            result.add(candidate, agreement: agreement)
            return report(result)
        }
    }
}
