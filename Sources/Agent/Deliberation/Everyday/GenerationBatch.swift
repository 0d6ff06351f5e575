/// Gathers the generations of several concurrent runs into batches for
/// `LanguageModel.generateTogether`: each member's `generate` waits until every
/// member still running is waiting too, then all of them are written in one batched
/// pass (the local engine decodes them together, one forward pass per token).
///
/// Members are planner runs in lock-step: they lay out the same conversation, then
/// each writes its call, runs its tool, reads the result and writes its answer. What
/// they generate at the same time is generated together; appends and tool calls run
/// on their own. A member that ends (or fails) must `leave`, so the others do not wait
/// for it.
actor GenerationBatch {
    private let model: any LanguageModel
    /// Members still running.
    private var members: Int
    private var waiting: [(job: GenerationJob, continuation: CheckedContinuation<GenerationOutcome, any Error>)] = []
    /// How many sequences each batched pass wrote, in order.
    private(set) var sizes: [Int] = []

    /// A batch of `members` runs of `model`.
    init(model: any LanguageModel, members: Int) {
        self.model = model
        self.members = members
    }

    /// Generates `job` together with the other members' next generations.
    func generate(_ job: GenerationJob) async throws -> GenerationOutcome {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append((job, continuation))
            runIfEveryoneWaits()
        }
    }

    /// A member has ended: the others no longer wait for it.
    func leave() {
        members -= 1
        runIfEveryoneWaits()
    }

    private func runIfEveryoneWaits() {
        guard !waiting.isEmpty, waiting.count >= members else { return }
        let batch = waiting
        waiting = []
        sizes.append(batch.count)
        let model = model
        // Every member waits meanwhile: nothing else reaches the model.
        Task {
            do {
                let outcomes = try await model.generateTogether(batch.map(\.job))
                for (member, outcome) in zip(batch, outcomes) { member.continuation.resume(returning: outcome) }
                for member in batch.dropFirst(outcomes.count) {
                    member.continuation.resume(throwing: CancellationError())
                }
            } catch {
                for member in batch { member.continuation.resume(throwing: error) }
            }
        }
    }
}

/// A session whose generations go through a `GenerationBatch`; everything else goes
/// to the session it wraps.
final class BatchedSession: LanguageModelSession {
    let base: any LanguageModelSession
    let batch: GenerationBatch

    init(_ base: any LanguageModelSession, batch: GenerationBatch) {
        self.base = base
        self.batch = batch
    }

    func start(_ messages: [Message], assistantPrefix: String, stablePrefix: Int) async throws {
        try await base.start(messages, assistantPrefix: assistantPrefix, stablePrefix: stablePrefix)
    }

    func append(_ text: String) async throws {
        try await base.append(text)
    }

    func generate(_ request: GenerationRequest, onText: @escaping @Sendable (String) -> Bool) async throws -> GenerationOutcome {
        try await batch.generate(GenerationJob(session: base, request: request, onText: onText))
    }

    /// A fork is not a member of the batch: it generates on its own.
    func fork() async throws -> any LanguageModelSession {
        try await base.fork()
    }

    var usage: TokenUsage { get async { await base.usage } }
}
