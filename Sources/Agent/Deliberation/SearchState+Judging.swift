import AgentTools
import Foundation

extension SearchState {
    /// The score a state gets without a value reading: neither promising nor hopeless.
    static let neutralScore = 0.5

    /// The state's score and the value reading behind it. 0 when a check failed, 1
    /// when the answer is verified; else, when the value steers the search, 0.5 plus
    /// the calibrated reading (the reading minus the reading of a content-free
    /// state), clamped to 0…1, or the reading itself when the task has no
    /// content-free state; else 0.5. The reading is returned whenever one was taken,
    /// for the tree.
    mutating func evaluate(_ thought: Thought, after path: [Thought]) async throws -> (score: Double, value: Double?) {
        if thought.verified == false { return (0, nil) }
        if thought.solves { return (1, nil) }
        guard valueUse.used, let question = task.valueQuestion(after: path + [thought]), let reading = try await valueReading(question) else {
            return (Self.neutralScore, nil)
        }
        guard let baseline = try await baselineReading() else { return (reading, reading) }
        let calibrated = reading - baseline
        return (min(1, max(0, Self.neutralScore + calibrated)), calibrated)
    }

    /// The reading of the task's content-free state, taken once.
    private mutating func baselineReading() async throws -> Double? {
        if let baseline { return baseline }
        guard let question = task.valueBaselineQuestion() else {
            baseline = .some(nil)
            return nil
        }
        let reading = try await valueReading(question)
        if reading != nil || !timeLeft { baseline = reading }
        return reading
    }

    private mutating func valueReading(_ question: String) async throws -> Double? {
        if let known = values[question] { return known }
        guard let preamble = valuePreamble, timeLeft else { return nil }
        if valueSession == nil {
            let model = model
            valueSession = try await BoundedCall.run(before: deadline) {
                let session = try await model.makeSession()
                try await session.start(preamble, assistantPrefix: "", stablePrefix: preamble.count)
                return session
            }
        }
        guard let base = valueSession else { return nil }
        let request = GenerationRequest(maximumTokens: 1, alternatives: options.valueAlternatives)
        let spent = spent
        let outcome = try await BoundedCall.run(before: deadline) {
            let branch = try await base.fork()
            try await branch.start(preamble + [Message(.user, question)], assistantPrefix: "", stablePrefix: preamble.count)
            // The first step's distribution is the reading: stop before its token is evaluated.
            let outcome = try await branch.generate(request) { _ in false }
            let usage = await branch.usage
            spent.add(usage)
            return outcome
        }
        guard let outcome else { return nil }
        let value = outcome.alternatives.first.flatMap(options.scale.value(of:))
        values[question] = value
        return value
    }
}
