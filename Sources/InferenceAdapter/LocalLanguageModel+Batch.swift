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
            var outcomes: [GenerationOutcome] = []
            for job in jobs { outcomes.append(try await job.session.generate(job.request, onText: job.onText)) }
            return outcomes
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
}
