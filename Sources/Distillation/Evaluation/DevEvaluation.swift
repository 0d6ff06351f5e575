import Agent
import AgentTools
import Foundation

/// How one evaluation question went.
public struct EvaluationResult: Codable, Sendable, Equatable {
    /// The question's id in its set.
    public var id: String
    /// Its set and kind.
    public var set: String, kind: String
    /// Whether the answer is right as the evaluation scores it (the number stated, the
    /// page's fact stated, the question's numbers plotted into a saved figure).
    public var correct: Bool
    /// Whether the whole run passes the collection's verifier (stricter: calculations
    /// from the question's numbers, the page fetched): what a trace would need.
    public var verified: Bool
    /// Why the verifier refused it, if it did.
    public var rejection: String?
    /// Seconds the answer took.
    public var seconds: Double
}

/// Runs the fast planner over evaluation questions, one at a time, greedy, and scores
/// each answer with the collection's verifier: the measure of a distillation round.
public struct DevEvaluation: Sendable {
    /// The planner as `ponder ask` builds it (greedy).
    public let planner: Planner
    private let verifier = TraceVerifier()

    /// An evaluation of `planner`'s answers.
    public init(planner: Planner) {
        self.planner = planner
    }

    /// Answers `questions` (page questions' `{base}` filled in), calling `progress` after
    /// each; stopping `stop` ends the running question (not scored) and the evaluation.
    public func run(
        _ questions: [EvaluationSet.Question], stop: Deadline = .unlimited(),
        progress: (Int, EvaluationResult) -> Void = { _, _ in }
    ) async throws -> [EvaluationResult] {
        var results: [EvaluationResult] = []
        for question in questions {
            try Task.checkCancellation()
            if stop.isStopped { break }
            let answer = try await planner.answer(question.item.question, deadline: stop)
            if stop.isStopped { break }
            let result = score(answer, for: question)
            results.append(result)
            progress(results.count, result)
        }
        return results
    }

    /// The score of `answer`: verified when the verifier accepts it; correct also when it
    /// refuses only how a right number was reached.
    func score(_ answer: AgentAnswer, for question: EvaluationSet.Question) -> EvaluationResult {
        let rejection = verifier.rejection(of: answer, for: question.item)
        var correct = rejection == nil
        if let rejection, case .number(let value) = question.item.expected,
            [.noCalculation, .calculationFailed, .ungroundedOperands].contains(rejection), let expected = TraceVerifier.number(value)
        {
            correct = TraceVerifier.numbers(in: answer.answer).contains { TraceVerifier.equal($0, expected) }
        }
        if let rejection, case .text(let fact) = question.item.expected, rejection == .pageNotFetched || rejection == .fetchFailed {
            correct = TraceVerifier.normalised(answer.answer).contains(TraceVerifier.normalised(fact))
        }
        return EvaluationResult(
            id: question.item.id, set: question.set, kind: question.kind, correct: correct, verified: rejection == nil,
            rejection: rejection?.label, seconds: answer.seconds)
    }
}

/// Accuracy of evaluation results by set, and by set and kind.
public struct EvaluationTally: Codable, Sendable, Equatable {
    /// Right answers and questions of one group.
    public struct Count: Codable, Sendable, Equatable {
        /// Questions answered right.
        public var correct = 0
        /// Questions tried.
        public var total = 0
        /// `correct / total` (0 when nothing was tried).
        public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    }

    /// By set name.
    public var sets: [String: Count] = [:]
    /// By "set/kind".
    public var kinds: [String: Count] = [:]

    /// The tally of `results`.
    public init(_ results: [EvaluationResult]) {
        for result in results {
            sets[result.set, default: Count()].total += 1
            kinds[result.set + "/" + result.kind, default: Count()].total += 1
            if result.correct {
                sets[result.set, default: Count()].correct += 1
                kinds[result.set + "/" + result.kind, default: Count()].correct += 1
            }
        }
    }

    /// The table people read: one row per set, then per kind.
    public var table: String {
        var lines = ["set                         correct", "------------------------------------------"]
        func row(_ name: String, _ count: Count) -> String {
            name.padding(toLength: 28, withPad: " ", startingAt: 0)
                + String(format: "%5.1f%% (%d/%d)", count.accuracy * 100, count.correct, count.total)
        }
        for (name, count) in sets.sorted(by: { $0.key < $1.key }) { lines.append(row(name, count)) }
        for (name, count) in kinds.sorted(by: { $0.key < $1.key }) { lines.append(row("  " + name, count)) }
        return lines.joined(separator: "\n")
    }
}
