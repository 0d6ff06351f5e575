import Agent
import AgentTools
import Synchronization

/// A model for tests of everyday deliberation: each candidate's session writes the
/// entries of its own script, one per `generate` call, one character per token
/// (masked characters replaced by the first allowed one, as `ScriptedModel` does).
/// The script is chosen by the request's seed: candidate i of a search with base
/// seed 0 samples with seed i × 1,000,003 (its later calls with that seed plus the
/// steps taken), so `scripts[i]` is what candidate i writes.
///
/// Batches (`generateTogether`) are recorded, and each costs `cost` on the clock,
/// however many sequences it holds; a lone generation costs `cost` too.
final class EverydayModel: LanguageModel, Sendable {
    let name = "everyday"
    let nativeToolCallFormat: ToolCallFormat? = nil
    let vocabulary: TokenVocabulary? = TokenVocabulary(pieces: ScriptedModel.characters.map { String($0) })
    let scripts: [[String]]
    let clock: ManualClock
    let cost: Duration
    /// The size of every batch, in order.
    let batches = Mutex<[Int]>([])

    init(_ scripts: [[String]], clock: ManualClock = ManualClock(), cost: Duration = .milliseconds(100)) {
        self.scripts = scripts
        self.clock = clock
        self.cost = cost
    }

    func makeSession() async throws -> any LanguageModelSession { EverydaySession(model: self) }

    func generateTogether(_ jobs: [GenerationJob]) async throws -> [GenerationOutcome] {
        batches.withLock { $0.append(jobs.count) }
        clock.advance(by: cost)
        var outcomes: [GenerationOutcome] = []
        for job in jobs {
            guard let session = job.session as? EverydaySession else { throw CancellationError() }
            outcomes.append(session.write(job.request, onText: job.onText))
        }
        return outcomes
    }

    /// The script of the candidate sampling with `seed`.
    func script(for seed: UInt64) -> [String] {
        let index = Int(seed / 1_000_003)
        return index < scripts.count ? scripts[index] : scripts.last ?? []
    }
}

final class EverydaySession: LanguageModelSession, Sendable {
    let model: EverydayModel
    private let calls = Mutex(0)
    private let counts = Mutex(TokenUsage())

    init(model: EverydayModel) {
        self.model = model
    }

    var usage: TokenUsage { get async { counts.withLock { $0 } } }

    func start(_ messages: [Message], assistantPrefix: String, stablePrefix: Int) async throws {}

    func append(_ text: String) async throws {}

    func generate(_ request: GenerationRequest, onText: @escaping @Sendable (String) -> Bool) async throws -> GenerationOutcome {
        model.clock.advance(by: model.cost)
        return write(request, onText: onText)
    }

    func fork() async throws -> any LanguageModelSession { EverydaySession(model: model) }

    /// The next entry of this candidate's script, as the request's constraint and
    /// stop strings allow.
    func write(_ request: GenerationRequest, onText: @Sendable (String) -> Bool) -> GenerationOutcome {
        let script = model.script(for: request.seed)
        let call = calls.withLock { count in
            defer { count += 1 }
            return count
        }
        let entry = Array(call < script.count ? script[call] : "")
        var written = ""
        var forced = false
        var reason = GenerationOutcome.StopReason.endOfTurn
        for index in 0..<max(entry.count, request.maximumTokens) {
            if written.count >= request.maximumTokens {
                reason = .maximumTokens
                break
            }
            let wanted = !forced && index < entry.count ? entry[index] : nil
            var next: Character
            if let allowed = request.constraint?.allowedTokens(after: written) {
                if let wanted, let id = ScriptedModel.characters.firstIndex(of: wanted), allowed.contains(id) {
                    next = wanted
                } else {
                    forced = true
                    guard let id = ScriptedModel.characters.indices.first(where: { allowed.contains($0) && ScriptedModel.characters[$0] == "<" })
                        ?? ScriptedModel.characters.indices.first(where: allowed.contains)
                    else { break }
                    next = ScriptedModel.characters[id]
                }
            } else {
                guard let wanted else { break }
                next = wanted
            }
            written.append(next)
            if let stop = request.stopStrings.first(where: { written.hasSuffix($0) }) {
                written.removeLast(stop.count)
                reason = .stopString(stop)
                break
            }
        }
        if !written.isEmpty, !onText(written) { reason = .cancelled }
        counts.withLock { $0.generated += written.count }
        return GenerationOutcome(text: written, stopReason: reason, tokenCount: max(written.count, 1))
    }
}
