import AgentTools
import Foundation

/// Fast mode for a task that lists every thought it allows (a Game of 24 move): one
/// answer, no search. From the start, the model's most likely listed thought is
/// written, computed and checked, then the next one from there, until a thought
/// answers, breaks a check or nothing is left to write.
///
/// The context is the search's own (`DeliberationTask.begin`, each thought appended
/// as `Thought.text`) and the choice is the proposer's distribution read the same way,
/// taken greedily: what training on the search's successful paths raises is what
/// this chain follows. The answer holds the checked expression when the chain
/// solves the task, and says so when it does not.
public struct DirectChain: Sendable {
    /// The model that chooses each thought.
    public let model: any LanguageModel

    /// A chain chosen by `model`.
    public init(model: any LanguageModel) {
        self.model = model
    }

    /// True when the chain can answer `task`: it lists its thoughts and the model's
    /// probability of a listed thought can be read (a model with a vocabulary).
    public func canAnswer(_ task: any DeliberationTask) -> Bool {
        model.vocabulary != nil && task.candidates(after: []) != nil
    }

    /// Walks the chain for `task`; it ends early, with what it has, when `deadline`
    /// passes or is stopped. The result's tree is the chain.
    public func run(_ task: any DeliberationTask, deadline: Deadline = .unlimited()) async throws -> DeliberationResult {
        let started = deadline.clock.now
        let spent = UsageTally()
        var tree = ThoughtTree()
        var path: [Thought] = []
        var ids: [Int] = []
        let model = model
        let session: (any LanguageModelSession)? = try await BoundedCall.run(before: deadline) {
            let session = try await model.makeSession()
            try await task.begin(in: session)
            return session
        }
        while let session, let candidates = task.candidates(after: path), !candidates.isEmpty {
            let weights: [Double]?
            if candidates.count == 1 {
                weights = [0]
            } else {
                weights = try await ListedThoughtWeights.read(candidates, model: model, after: session, deadline: deadline) { spent.add($0) }
            }
            guard let weights, let best = weights.indices.max(by: { weights[$0] < weights[$1] || (weights[$0] == weights[$1] && $0 > $1) }) else { break }
            let (candidate, prefix) = (candidates[best], path)
            let written = try await BoundedCall.run(before: deadline) { try await task.write(candidate, after: prefix, in: session) }
            guard let written, let thought = written else { break }
            let score = thought.verified == false ? 0 : thought.solves ? 1 : Self.probability(of: best, in: weights)
            ids.append(tree.add(thought, under: ids.last ?? 0, score: score))
            path.append(thought)
            if thought.answer != nil || thought.verified == false { break }
        }
        if let session {
            let usage = try? await BoundedCall.run(before: deadline.isPast ? .after(SearchState.usageGrace) : deadline) { await session.usage }
            if let usage = usage ?? nil { spent.add(usage) }
        }
        let solved = path.last?.solves ?? false
        let stoppedBy: StopReason? = deadline.isStopped ? .stopRequest : nil
        return DeliberationResult(
            answer: task.answer(from: path, finished: solved), path: ids, tree: tree, solved: solved, finished: path.last?.answer != nil,
            votes: [:], stoppedBy: stoppedBy, steps: path.flatMap(\.steps), tokens: spent.sum, expanded: path.count,
            seconds: (deadline.clock.now - started).inSeconds, proposer: .model, valueNote: "one chain of the model's likeliest moves, no search")
    }

    /// The chosen thought's share of the model's probability over the listed ones.
    static func probability(of index: Int, in logProbabilities: [Double]) -> Double {
        let top = logProbabilities.max() ?? 0
        let total = logProbabilities.reduce(0) { $0 + exp($1 - top) }
        return total > 0 ? exp(logProbabilities[index] - top) / total : 0
    }
}
