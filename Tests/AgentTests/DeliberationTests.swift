import AgentTools
import Foundation
import Synchronization
import Testing
@testable import Agent

/// Records the thought each proposal continued from, in order.
final class ExpansionLog: Sendable {
    let continued = Mutex<[String]>([])
    func record(_ context: String) { continued.withLock { $0.append(lastThought(context)) } }
    /// Each state in the order it was first expanded.
    var order: [String] {
        continued.withLock { all in all.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } } }
    }
}

/// The index of a proposal among its siblings (the search's seeds count up from
/// the state's id times a large prime).
private func index(_ seed: UInt64) -> Int { Int(seed % 1_000_003) }

private func search(_ model: TreeModel, _ options: DeliberationOptions, deadline: Deadline? = nil) async throws -> DeliberationResult {
    try await Deliberation(model: model, options: options).run(LabelTask(), deadline: deadline ?? .unlimited(on: model.clock))
}

@Test func theBeamExpandsTheBestStatesFirstThenBacktracksToTheRest() async throws {
    let log = ExpansionLog()
    let values: [String: Double] = ["A": 0.9, "B": 0.1, "C": 0.5, "D": 0.3, "E": 0.7]
    let model = TreeModel(clock: ManualClock(), values: { values[String($0.dropFirst(6))] ?? 0.5 }) { context, seed in
        log.record(context)
        let parent = lastThought(context)
        return parent == "question" ? ["A", "B", "C", "D", "E"][index(seed) % 5] : "\(parent).\(index(seed) % 5)"
    }
    let options = DeliberationOptions(budget: .seconds(1000), proposals: 5, beamWidth: 2, maximumDepth: 2, maximumExpansions: 1)
    let result = try await search(model, options)
    // A and E (the beam) first; when depth 2 (the limit) has nothing left to grow,
    // back to the states the beam left behind, best first.
    #expect(log.order == ["question", "A", "E", "C", "D", "B"])
    #expect(result.tree.nodes.count == 1 + 5 + 25)
    #expect(result.stoppedBy == nil)
    // No answer was reached: the most promising state so far is the answer.
    #expect(!result.finished)
    #expect(result.answer == "partial: A")
}

@Test func refutedAndHopelessStatesAreNotExpanded() async throws {
    let log = ExpansionLog()
    let model = TreeModel(clock: ManualClock(), values: { $0.contains("low") ? 0.01 : 0.6 }) { context, seed in
        log.record(context)
        let parent = lastThought(context)
        guard parent == "question" else { return "\(parent).\(index(seed) % 2)" }
        return ["BAD step", "low hope", "fine"][index(seed) % 3]
    }
    let options = DeliberationOptions(budget: .seconds(1000), proposals: 3, beamWidth: 3, maximumDepth: 2, maximumExpansions: 1)
    let result = try await search(model, options)
    #expect(log.order == ["question", "fine"])
    let bad = try #require(result.tree.nodes.first { $0.text == "BAD step" })
    #expect(bad.verified == false && bad.score == 0 && bad.note == "wrong")
}

@Test func theBudgetIsHonouredAndTheBestSoFarAnswers() async throws {
    let clock = ManualClock()
    let model = TreeModel(clock: clock, cost: .seconds(1)) { context, seed in "\(lastThought(context).prefix(1))\(index(seed))" }
    let options = DeliberationOptions(budget: .seconds(10), proposals: 3, beamWidth: 2)
    let result = try await search(model, options)
    #expect(result.stoppedBy?.description == "the time budget (10 s)")
    // The search stops at the first check after the deadline: one generation late at most.
    #expect(clock.now >= .seconds(10) && clock.now <= .seconds(11))
    #expect(result.seconds <= 11)
    #expect(!result.finished && result.answer.hasPrefix("partial: "))
}

@Test func aCallThatCannotBeCancelledIsNotWaitedForPastTheBudget() async throws {
    // The fifth generation takes 10 s of the clock, then hangs, cancelled or not, until
    // the test releases it: the search must answer without it. (Should it wait, the
    // release after 20 s of real time ends the wait and the first expectation fails.)
    let clock = ManualClock()
    let model = TreeModel(clock: clock, cost: .seconds(10), stallAt: 5) { context, seed in "\(lastThought(context).prefix(1))\(index(seed))" }
    let watchdog = Task {
        try await Task.sleep(for: .seconds(20))
        model.release.open()
    }
    defer {
        watchdog.cancel()
        model.release.open()
    }
    let started = ContinuousClock.now
    let result = try await search(model, DeliberationOptions(budget: .seconds(45)))
    #expect(ContinuousClock.now - started < .seconds(10), "the hung call was waited for")
    #expect(result.stoppedBy?.description == "the time budget (45 s)")
    #expect(result.tree.nodes.count > 1)
}

@Test func aTaskContextThatCannotBeCancelledIsNotWaitedForPastTheBudget() async throws {
    // Laying out the task's context (the engine evaluating a long prompt with a cold
    // cache) takes 10 s of a 5 s budget and then hangs: the search answers at once.
    let clock = ManualClock()
    let model = TreeModel(clock: clock, cost: .seconds(10), stallAtStart: true) { _, seed in "A\(index(seed))" }
    let watchdog = Task {
        try await Task.sleep(for: .seconds(20))
        model.release.open()
    }
    defer {
        watchdog.cancel()
        model.release.open()
    }
    let started = ContinuousClock.now
    let result = try await search(model, DeliberationOptions(budget: .seconds(5)))
    #expect(ContinuousClock.now - started < .seconds(10), "the task's context was waited for")
    #expect(result.stoppedBy?.description == "the time budget (5 s)")
    #expect(result.tree.nodes.count == 1 && !result.finished)
}

@Test func theProposalOrderIsASampleWithoutReplacementInProportionToTheProbabilities() {
    // Three thoughts with probabilities 0.7, 0.2, 0.1: over many seeds the first
    // proposal is each about that often, and every order holds each thought once.
    let logProbabilities = [0.7, 0.2, 0.1].map { log($0) }
    var first: [String: Int] = [:]
    let runs = 4000
    for seed in 0..<runs {
        var queue = ProposalQueue(candidates: ["a", "b", "c"], logProbabilities: logProbabilities, seed: UInt64(seed), leftoverMass: 0)
        var drawn: [String] = []
        while let next = queue.next() { drawn.append(next) }
        #expect(drawn.sorted() == ["a", "b", "c"])
        first[drawn[0], default: 0] += 1
    }
    #expect(abs(Double(first["a"] ?? 0) / Double(runs) - 0.7) < 0.03)
    #expect(abs(Double(first["b"] ?? 0) / Double(runs) - 0.2) < 0.03)
    #expect(abs(Double(first["c"] ?? 0) / Double(runs) - 0.1) < 0.03)
    // The same seed, the same order.
    let one = ProposalQueue(candidates: ["a", "b", "c"], logProbabilities: logProbabilities, seed: 9, leftoverMass: 0)
    let again = ProposalQueue(candidates: ["a", "b", "c"], logProbabilities: logProbabilities, seed: 9, leftoverMass: 0)
    #expect(one.order == again.order)
}

@Test func proposingStopsWhenTheThoughtsLeftHoldAlmostNoneOfTheMass() {
    // 0.9 and 0.099 hold all but 0.001: with ε = 0.01 the rest is never proposed.
    var queue = ProposalQueue(
        candidates: ["likely", "possible", "rare"], logProbabilities: [0.9, 0.099, 0.001].map { log($0) }, seed: 1, leftoverMass: 0.01)
    var drawn: [String] = []
    while let next = queue.next() { drawn.append(next) }
    if drawn.count == 3 {
        // The rare one came early (a Gumbel draw can do that): then nothing was left out.
        #expect(drawn.last != "rare")
    } else {
        #expect(drawn.sorted() == ["likely", "possible"])
    }
    #expect(queue.isExhausted)
    // Uniform: equal weights, every thought proposed.
    var uniform = ProposalQueue(candidates: (0..<30).map(String.init), logProbabilities: Array(repeating: 0, count: 30), seed: 3, leftoverMass: 0.01)
    var count = 0
    while uniform.next() != nil { count += 1 }
    #expect(count == 30)
}

@Test func aStopRequestEndsTheSearchWithTheBestSoFar() async throws {
    let clock = ManualClock()
    let deadline = Deadline.unlimited(on: clock)
    let model = TreeModel(clock: clock, afterGeneration: { if $0 == 7 { deadline.stop() } }) { context, seed in
        "\(lastThought(context).prefix(1))\(index(seed))"
    }
    let result = try await search(model, DeliberationOptions(budget: .seconds(1000)), deadline: deadline)
    #expect(result.stoppedBy?.description == "a stop request")
    #expect(model.generations.withLock { $0 } == 7)
    #expect(result.tree.nodes.count > 1)
    #expect(result.answer.hasPrefix("partial: "))
}

@Test func finishedAnswersVoteByTheirSummedScores() async throws {
    // 42 is written three times with modest scores; 41 once with a high one.
    let answers = ["ANSWER 42 one way", "ANSWER 41", "ANSWER 42 another", "ANSWER 7", "ANSWER 42 a third"]
    let values: [String: Double] = ["41": 0.9, "42": 0.4, "7": 0.2]
    let model = TreeModel(clock: ManualClock(), values: { values[String($0.split(separator: " ")[2])] ?? 0.5 }) { _, seed in
        answers[index(seed) % 5]
    }
    let options = DeliberationOptions(budget: .seconds(1000), proposals: 5, maximumExpansions: 1)
    let result = try await search(model, options)
    #expect(result.answer == "42")
    #expect(result.finished)
    #expect(abs((result.votes["42"] ?? 0) - 1.2) < 0.01)
    #expect(abs((result.votes["41"] ?? 0) - 0.9) < 0.01)
    // 1.2 against 1.1 is no agreement: the search did not stop early.
    #expect(result.stoppedBy == nil)
}

@Test func agreeingAnswersEndTheSearchEarly() async throws {
    let model = TreeModel(clock: ManualClock()) { _, seed in "ANSWER 42 way \(index(seed))" }
    let options = DeliberationOptions(budget: .seconds(1000), proposals: 10, agreement: 3)
    let result = try await search(model, options)
    #expect(result.answer == "42")
    #expect(result.tree.nodes.count == 1 + 3)
    #expect(result.stoppedBy == nil)
}

@Test func theSameAnswerWrittenTwiceCountsTwice() async throws {
    let model = TreeModel(clock: ManualClock()) { _, seed in index(seed) % 2 == 0 ? "ANSWER 42" : "ANSWER 41 x\(index(seed))" }
    let options = DeliberationOptions(budget: .seconds(1000), proposals: 4, maximumExpansions: 1)
    let result = try await search(model, options)
    #expect(result.tree.nodes.filter { $0.text == "ANSWER 42" }.count == 2)
    #expect(result.answer == "42")
}

@Test func aVerifiedAnswerEndsTheSearchAtOnce() async throws {
    let model = TreeModel(clock: ManualClock()) { context, seed in
        lastThought(context) == "question" ? ["try", "WIN 24", "other"][index(seed) % 3] : "deeper"
    }
    let result = try await search(model, DeliberationOptions(budget: .seconds(1000), proposals: 3))
    #expect(result.solved)
    #expect(result.answer == "24")
    #expect(result.stoppedBy == nil)
    #expect(result.tree.nodes.count == 3)
    #expect(result.path == [2])
}

@Test func theValuePromptIsReadThroughTheProbabilitiesOfItsWords() {
    let scale = ValueScale.standard
    let sure = TokenAlternative(text: "s", logProbability: log(0.6))
    let likely = TokenAlternative(text: " Likely", logProbability: log(0.2))
    let impossible = TokenAlternative(text: "imp", logProbability: log(0.2))
    let unrelated = TokenAlternative(text: "the", logProbability: log(0.5))
    #expect(abs((scale.value(of: [sure, likely, impossible, unrelated]) ?? -1) - 0.7) < 1e-9)
    #expect(scale.value(of: [unrelated]) == nil)
    // "i" could not start two words here, but an empty piece counts for none.
    #expect(scale.value(of: [TokenAlternative(text: " ", logProbability: 0)]) == nil)
}

@Test func thePathOfEachNodeAndTheDrawnTree() async throws {
    let model = TreeModel(clock: ManualClock()) { context, seed in
        lastThought(context) == "question" ? "first \(index(seed))" : "WIN 24"
    }
    let result = try await search(model, DeliberationOptions(budget: .seconds(1000), proposals: 1))
    #expect(result.path == [1, 2])
    let drawn = DeliberationReport(result, task: "labels").rendered
    #expect(drawn.contains("→ #1 [0.50] first 0"))
    #expect(drawn.contains("   → #2 [1.00 ✓] WIN 24"))
}
