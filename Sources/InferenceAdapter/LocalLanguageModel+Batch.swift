import Agent
import Inference

extension LocalLanguageModel {
    /// Lets several sessions of this model continue together: their new context is
    /// read and their tokens are written in shared forward passes (`BatchDecoder`), so
    /// each weight matrix is read once per token for all of them. Sessions of other
    /// models are continued one after another. Outcomes in the order of `jobs`.
    public func generateTogether(_ jobs: [GenerationJob]) async throws -> [GenerationOutcome] {
        let local = jobs.compactMap { $0.session as? LocalSession }
        guard local.count == jobs.count, jobs.count > 1, local.allSatisfy({ $0.belongs(to: self) }),
              Set(local.map(ObjectIdentifier.init)).count == local.count
        else {
            return try await generateOneAfterAnother(jobs)
        }
        return try await withTaskCancellationHandler {
            try await run {
                let decoder = BatchDecoder(model: self.model)
                let handles = try zip(local, jobs).map { session, job in
                    try session.join(decoder, request: job.request, onText: job.onText)
                }
                let results = decoder.run()
                return try zip(local, handles).map { session, handle in
                    guard let result = results[handle] else { throw InferenceError.invalidArgument("a generation of the batch was lost") }
                    return session.record(try result.get())
                }
            }
        } onCancel: {
            for session in local { session.cancelGeneration() }
        }
    }

    /// The log-probability of each continuation after `session`'s context: every
    /// continuation runs in a fork of the session, all of them in one forward pass
    /// (`Transformer.forward` over their segments), and its tokens' log-probabilities
    /// are summed. Nil for a session of another model.
    public func logProbabilities(of continuations: [String], after session: any LanguageModelSession) async throws -> [Double]? {
        guard let session = session as? LocalSession, session.belongs(to: self) else { return nil }
        guard !continuations.isEmpty else { return [] }
        return try await run {
            let (parent, first) = try session.evaluatedState()
            let tokenizer = self.model.tokenizer
            let tokenized = continuations.map { tokenizer.encode($0, addSpecial: false) }
            let scored = tokenized.indices.filter { !tokenized[$0].isEmpty && parent.tokens.count + tokenized[$0].count <= parent.contextLength }
            let forks = scored.map { _ in parent.fork() }
            let rows = self.model.transformer.forward(zip(scored, forks).map { index, fork in
                Transformer.ForwardSegment(tokens: tokenized[index], cache: fork.cache, logits: .all)
            })
            let vocabulary = self.model.config.vocabularySize
            var scores = [Double](repeating: -.infinity, count: continuations.count)
            for (index, result) in zip(scored, rows) {
                let logits = try result.get()
                let tokens = tokenized[index]
                var total = Double(Sampler.logProbabilities(first)[Int(tokens[0])])
                for position in 1..<tokens.count {
                    let row = Array(logits[((position - 1) * vocabulary)..<(position * vocabulary)])
                    total += Double(Sampler.logProbabilities(row)[Int(tokens[position])])
                }
                scores[index] = total
            }
            session.countScored(scored.reduce(0) { $0 + tokenized[$1].count })
            return scores
        }
    }

}
