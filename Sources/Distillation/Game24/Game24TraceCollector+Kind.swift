/// The Game of 24 collector as `TraceCollector` calls it for `.game24` items.
extension Game24TraceCollector: KindTraceCollector {
    /// The item's traces (`traces(for:)`); a later attempt searches with `seed`. A puzzle
    /// with no verified path is rejected as `.expressionWrong`; an item that is not a
    /// trainable puzzle is an error of the caller's and is thrown.
    public func traces(for item: CurriculumItem, attempt: Int, temperature: Double, seed: UInt64) async throws -> Result<[TrainingTrace], TraceRejection> {
        var collector = self
        if attempt > 0 { collector.seed = seed }
        do {
            return .success(try await collector.traces(for: item))
        } catch Game24TraceError.noSolution, Game24TraceError.notVerified {
            return .failure(.expressionWrong)
        }
    }
}
