import AgentTools

/// The model's log-probability of each thought a task lists, read the cheapest way the
/// model offers: one batched pass where it scores text (the local engine), else a walk
/// over the thoughts' shared openings (`ThoughtScoring`). Used by the search's proposer
/// and by the direct chain of fast mode.
enum ListedThoughtWeights {
    /// The log-probability of each of `candidates` after the context of `session`; nil
    /// when `deadline` passes first. Tokens spent on the walk are added to `usage`.
    static func read(
        _ candidates: [String], model: any LanguageModel, after session: any LanguageModelSession, deadline: Deadline,
        usage: @escaping @Sendable (TokenUsage) -> Void
    ) async throws -> [Double]? {
        switch try await BoundedCall.run(before: deadline, { try await model.logProbabilities(of: candidates, after: session) }) {
        case nil: return nil  // the deadline passed
        case let scores??: return scores
        case .some(nil): break
        }
        return try await ThoughtScoring().logProbabilities(of: candidates, after: session, deadline: deadline, usage: usage)
    }
}
