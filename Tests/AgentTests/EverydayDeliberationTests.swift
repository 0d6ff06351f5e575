import AgentTools
import Foundation
import Synchronization
import Testing
@testable import Agent

/// A grounded planner with the calculator, on `model`.
private func calculating(_ model: EverydayModel) -> Planner {
    Planner(model: model, tools: [Calculator()], layout: ConversationLayout(prompts: repositoryPrompts))
}

/// What candidate i writes: the calculator's opening, its input, one line of answer.
private func calculation(_ input: String, _ answer: String) -> [String] {
    ["<calc>", input + "</calc>", answer + "\n"]
}

private let question = "What is 84 divided by 3?"

private func search(
    _ model: EverydayModel, budget: Duration = .seconds(100), options: EverydayOptions = EverydayOptions(), deadline: Deadline? = nil
) async throws -> EverydayResult {
    let search = EverydayDeliberation(planner: calculating(model), kind: .arithmetic, options: options, budget: budget)
    return try await search.run(question, deadline: deadline ?? .unlimited(on: model.clock))
}

@Test func threeVerifiedCandidatesThatAgreeSettleTheVoteInOneBatchedRound() async throws {
    let right = calculation("84/3", "It is 28.")
    let model = EverydayModel([right, right, right, right])
    let result = try await search(model)
    #expect(result.candidates.count == 3)
    #expect(result.vote.settled && result.vote.winner == "28" && result.vote.chosen == 0)
    #expect(result.stoppedBy == nil)
    // The opening, the input and the answer of the three were each written in one pass.
    #expect(result.batches == [3, 3, 3] && model.batches.withLock { $0 } == [3, 3, 3])
    #expect(result.chosen?.answer.answer.contains("28") == true)
}

@Test func theFirstCandidateIsGreedyAndTheOthersSampleWithSeedsOfTheirOwn() async throws {
    let right = calculation("84/3", "It is 28.")
    let result = try await search(EverydayModel([right, right, right]))
    let byIndex = result.candidates.sorted { $0.index < $1.index }
    #expect(byIndex.map(\.temperature) == [0, 0.8, 0.8])
    #expect(Set(byIndex.map(\.seed)).count == 3)
}

@Test func verifiedSamplesAnswerWhenTheGreedyCandidateFailsItsChecks() async throws {
    // The greedy run misstates its arithmetic; the samples agree on 28 (one says 252).
    let misstated = calculation("84*3", "84 + 3 = 252.")
    let right = calculation("84/3", "It is 28.")
    let result = try await search(EverydayModel([misstated, calculation("84*3", "It is 252."), right, right, right, right, right]))
    #expect(result.vote.winner == "28" && result.vote.settled)
    #expect(result.chosen?.index != 0 && result.chosen?.answer.answer.contains("28") == true)
    #expect(result.vote.tallies == ["28": 5, "252": 1])
    #expect(result.candidates.count == 7 && result.batches.count == 6)
}

@Test func aVerifiedGreedyCandidateIsNotOutvoted() async throws {
    let result = try await search(EverydayModel([calculation("84*3", "It is 252."), calculation("84/3", "It is 28."), calculation("84/3", "It is 28.")]))
    #expect(result.vote.chosen == 0 && result.vote.winner == "252" && result.vote.settled)
    #expect(result.candidates.count == 3)
}

@Test func aCandidateWhoseClaimDoesNotHoldDoesNotVote() async throws {
    // The calculations are right, but the answers state 84 + 3 = 28.
    let misstated = calculation("84/3", "84 + 3 = 28.")
    let wrong = calculation("84*3", "It is 252.")
    let result = try await search(EverydayModel([misstated, misstated, misstated, wrong]), options: EverydayOptions(maximumCandidates: 4))
    let claims = try #require(result.candidates.first { $0.index == 1 }?.checks.first { $0.kind == .claims })
    #expect(!claims.holds && claims.note.contains("87"))
    // Only candidate 4 was verified: it answers, though three unverified ones said 28.
    #expect(result.vote.tallies == ["252": 1] && result.vote.chosen == 3)
}

@Test func tiesAmongSamplesGoToTheEarliest() async throws {
    let result = try await search(
        EverydayModel([calculation("84/3", "84 + 3 = 28."), calculation("84*3", "It is 252."), calculation("84-3", "It is 81.")]),
        options: EverydayOptions(maximumCandidates: 3))
    #expect(result.vote.tallies == ["252": 1, "81": 1])
    #expect(result.vote.chosen == 1 && !result.vote.settled)
}

@Test func withNothingVerifiedTheGreedyCandidateAnswers() async throws {
    // Every candidate misstates its arithmetic.
    let misstated = calculation("84/3", "84 + 3 = 28.")
    let result = try await search(EverydayModel([misstated]), options: EverydayOptions(maximumCandidates: 3))
    #expect(result.vote.winner == nil && result.vote.chosen == 0)
    #expect(result.chosen?.index == 0)
}

@Test func theBudgetEndsTheSearchWithinOneBatchedStepAndKeepsFinishedCandidates() async throws {
    let clock = ManualClock()
    // The greedy run misstates its arithmetic and the samples disagree, so the vote
    // never settles; every pass costs 1 s.
    let scripts = [calculation("84/3", "84 + 3 = 28.")]
        + (1..<24).map { $0 % 2 == 0 ? calculation("84/3", "It is 28.") : calculation("84*3", "It is 252.") }
    let model = EverydayModel(scripts, clock: clock, cost: .seconds(1))
    let result = try await search(model, budget: .seconds(5), deadline: .unlimited(on: clock))
    #expect(result.stoppedBy == .budget(.seconds(5)))
    // The first round (3 passes) finished; the second was cut at the budget.
    #expect(result.candidates.filter { $0.answer.stoppedBy == nil }.count == 3)
    #expect(clock.now <= .seconds(5) + model.cost)
    #expect(result.vote.chosen == 1 && result.vote.winner == "252")
}

@Test func aStopRequestEndsTheSearchWithTheVoteSoFar() async throws {
    let clock = ManualClock()
    let deadline = Deadline.unlimited(on: clock)
    let right = calculation("84/3", "It is 28.")
    let model = EverydayModel([calculation("84/3", "84 + 3 = 28."), calculation("84*3", "It is 252."), right], clock: clock)
    let search = EverydayDeliberation(planner: calculating(model), kind: .arithmetic, budget: .seconds(100))
    let result = try await search.run(question, deadline: deadline) { progress in
        if progress.thoughts == 3 { deadline.stop() }
    }
    #expect(result.stoppedBy == .stopRequest)
    #expect(result.candidates.count == 3 && result.vote.chosen == 1)
}

@Test func progressSaysWhatEachCandidateTriedAndWhetherItsChecksHeld() async throws {
    let right = calculation("84/3", "It is 28.")
    let seen = ProgressLog()
    let search = EverydayDeliberation(planner: calculating(EverydayModel([right, right, right])), kind: .arithmetic, budget: .seconds(100))
    _ = try await search.run(question) { seen.add($0.activity ?? "") }
    let lines = seen.lines
    #expect(lines.count == 3)
    #expect(lines.allSatisfy { $0.hasPrefix("candidate ") && $0.hasSuffix("calc 84/3 → 28 ✓") })
}

@Test func deliberateModeSendsArithmeticToCandidatesAndReportsThem() async throws {
    let right = calculation("84/3", "It is 28.")
    let mode = DeliberateMode(
        planner: calculating(EverydayModel([right, right, right])), prompts: repositoryPrompts, options: DeliberationOptions(budget: .seconds(100)))
    #expect(try mode.everydayKind(of: question) == .arithmetic)
    #expect(try mode.everydayKind(of: "Why is the sky blue?") == nil)
    let answer = try await mode.answer(question)
    let report = try #require(answer.deliberation)
    #expect(answer.mode == .deliberate && answer.answer.contains("28") && answer.steps.map(\.input) == ["84/3"])
    #expect(report.task == "everyday arithmetic" && report.candidates?.count == 3 && report.vote?.winner == "28")
    #expect(report.nodes.count == 4 && report.path == [1] && report.verified)
    #expect(report.rendered.contains("→ 1. [greedy] calc(84/3) → 28 ✓") && report.rendered.contains("vote: 28: 3"))
    let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
    #expect(json.contains("\"candidates\"") && json.contains("\"checks\""))
}

/// Progress activities, in order.
private final class ProgressLog: Sendable {
    private let storage = Mutex<[String]>([])
    func add(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}
