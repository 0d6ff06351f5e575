import AgentTools
import Foundation

/// The model's log-probability of each whole thought a task can list: the
/// proposer's distribution over thoughts, not over next tokens.
///
/// The thoughts share their openings ("8 + 4 =", "8 * 4 =", "8 - 4 =" share "8"), so
/// they are weighed as a tree: at each branching point one step of the model gives
/// the probability of every next token (its most likely `alternatives`), each token
/// that continues some thought opens a branch (forked, so the evaluated prefix is
/// shared), and a thought's log-probability is the sum along its path, summed over
/// the ways of writing it in tokens. A thought whose rest carries no choice (" =")
/// is complete without another step. A thought
/// whose next token is not among the alternatives gets the least likely one's
/// log-probability there: an upper bound, small. One model step per branching
/// point instead of one per token of every thought; a batched pass over all of
/// them at once can replace the walk where the engine offers one.
struct ThoughtScoring: Sendable {
    /// Next-token alternatives read at each branching point.
    var alternatives = 128
    /// Tokens less likely than this (natural log) are not followed.
    var floor = -14.0
    /// Characters that carry no choice at the end of a thought.
    static let formatCharacters: Set<Character> = [" ", "="]

    /// The log-probability of each of `thoughts` after the context of `session`;
    /// nil when `deadline` passes first. The tokens generated are added to `usage`.
    func logProbabilities(
        of thoughts: [String], after session: any LanguageModelSession, deadline: Deadline,
        usage: @escaping @Sendable (TokenUsage) -> Void
    ) async throws -> [Double]? {
        var scores = Array(repeating: -Double.infinity, count: thoughts.count)
        let root: (any LanguageModelSession)? = try await BoundedCall.run(before: deadline) { try await session.fork() }
        guard let root else { return nil }
        let finished = try await visit(
            Branch(session: root, prefix: "", logProbability: 0, thoughts: Array(thoughts.indices)), thoughts: thoughts,
            scores: &scores, deadline: deadline, usage: usage)
        return finished ? scores : nil
    }

    /// A point of the walk: the text written so far, its log-probability, and the
    /// thoughts that start with it.
    private struct Branch {
        var session: any LanguageModelSession
        var prefix: String
        var logProbability: Double
        var thoughts: [Int]
    }

    /// Weighs the thoughts under `branch`; false when the deadline passed.
    private func visit(
        _ branch: Branch, thoughts: [String], scores: inout [Double], deadline: Deadline, usage: @escaping @Sendable (TokenUsage) -> Void
    ) async throws -> Bool {
        // A thought whose rest carries no choice (" =") is complete here: the model's
        // tokens are not split to write it, which would skew what follows.
        var open: [Int] = []
        for index in branch.thoughts {
            if thoughts[index].dropFirst(branch.prefix.count).allSatisfy(Self.formatCharacters.contains) {
                scores[index] = Self.logSum(scores[index], branch.logProbability)
            } else {
                open.append(index)
            }
        }
        guard !open.isEmpty else { return true }
        let request = GenerationRequest(maximumTokens: 1, alternatives: alternatives)
        let parent = branch.session
        let step: GenerationOutcome? = try await BoundedCall.run(before: deadline) {
            let probe = try await parent.fork()
            // The step's distribution is all that is wanted: stop before its token is evaluated.
            return try await probe.generate(request) { _ in false }
        }
        guard let step, let next = step.alternatives.first else { return false }
        usage(TokenUsage(prompt: 0, generated: 1))
        let followed = next.filter { $0.logProbability >= floor && !$0.text.isEmpty }
        let least = max(floor, next.last?.logProbability ?? floor)
        var reached = Set<Int>()
        for token in followed {
            let prefix = branch.prefix + token.text
            let continuing = open.filter { thoughts[$0].hasPrefix(prefix) }
            guard !continuing.isEmpty else { continue }
            reached.formUnion(continuing)
            let child: (any LanguageModelSession)? = try await BoundedCall.run(before: deadline) {
                let child = try await parent.fork()
                try await child.append(token.text)
                return child
            }
            guard let child else { return false }
            let deeper = Branch(session: child, prefix: prefix, logProbability: branch.logProbability + token.logProbability, thoughts: continuing)
            guard try await visit(deeper, thoughts: thoughts, scores: &scores, deadline: deadline, usage: usage) else { return false }
        }
        for index in open where !reached.contains(index) {
            scores[index] = Self.logSum(scores[index], branch.logProbability + least)
        }
        return true
    }

    /// log(exp(a) + exp(b)).
    static func logSum(_ a: Double, _ b: Double) -> Double {
        let high = max(a, b)
        guard high > -.infinity else { return high }
        return high + log(exp(a - high) + exp(b - high))
    }

}
