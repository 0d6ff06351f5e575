import Agent
import AgentTools

/// Collects a kind's traces some other way than one fast-mode run (the Game of 24's
/// traces come from deliberate mode's successful path).
public protocol KindTraceCollector: Sendable {
    /// Verified traces for `item` (one or more), or why none; `attempt` 0 is the greedy
    /// one, later attempts may sample (`temperature`, `seed`).
    func traces(for item: CurriculumItem, attempt: Int, temperature: Double, seed: UInt64) async throws -> Result<[TrainingTrace], TraceRejection>
}

/// How a collection samples and caps.
public struct TraceCollectionOptions: Sendable, Equatable {
    /// Sampled runs for an item whose greedy run is not verified (0: greedy only).
    /// The first verified run is kept: expert iteration's way of getting traces for
    /// what the model does not yet do greedily.
    public var samples: Int
    /// The sampled runs' temperature.
    public var temperature: Double
    /// The first sampled run's seed (the next runs add 1, 2, …).
    public var seed: UInt64
    /// At most this many kept traces of each kind (nil: no cap).
    public var maximumPerKind: Int?

    /// Greedy only and no cap by default; sampled runs at 0.7 when asked for.
    public init(samples: Int = 0, temperature: Double = 0.7, seed: UInt64 = 1, maximumPerKind: Int? = nil) {
        self.samples = samples
        self.temperature = temperature
        self.seed = seed
        self.maximumPerKind = maximumPerKind
    }
}

/// What a collection reports as it goes.
public enum CollectionEvent: Sendable {
    /// `total` items will be tried (skipped kinds left out).
    case started(total: Int)
    /// An item is about to run (`index` counts from 0).
    case trying(index: Int, item: CurriculumItem)
    /// An item's outcome; `.kept` traces should be written now.
    case finished(index: Int, item: CurriculumItem, outcome: CollectionOutcome)
    /// Every item was tried: the counts.
    case summary(CollectionSummary)
}

/// What became of one item.
public enum CollectionOutcome: Sendable, Equatable {
    /// Verified and selected (all or some of the item's traces): write them.
    case kept([TrainingTrace])
    /// Verified but every trace dropped by the selection (the first one's reason).
    case dropped(TraceSelection.Admission)
    /// Not verified by any run; the greedy run's reason.
    case rejected(TraceRejection)
    /// Not run: its kind has its cap.
    case skipped
}

/// Runs the fast planner over curriculum items with the current model (and adapter),
/// keeps the runs `TraceVerifier` accepts, and turns each into a training conversation
/// in the planner's own prompt form: the messages the planner laid out for the question
/// (system prompt, retrieved examples) followed by the turn's messages (the question,
/// the model's text with its markers, the results it read).
///
/// Items are tried in turns of kinds (`TraceSelection.interleaved`); an item whose
/// greedy run fails gets `samples` sampled runs. Kept traces are deduplicated and
/// capped per kind.
public struct TraceCollector: Sendable {
    /// The planner as `ponder ask` builds it: model, tools, limits (greedy).
    public let planner: Planner
    /// Sampling and caps.
    public let options: TraceCollectionOptions
    /// Collectors of kinds the fast planner does not answer by itself (the Game of 24).
    public let kindCollectors: [CurriculumItem.Kind: any KindTraceCollector]
    /// The verifier.
    public let verifier = TraceVerifier()

    /// A collector running `planner`; `kindCollectors` take over their kinds.
    public init(planner: Planner, options: TraceCollectionOptions = TraceCollectionOptions(), kindCollectors: [CurriculumItem.Kind: any KindTraceCollector] = [:]) {
        self.planner = planner
        self.options = options
        self.kindCollectors = kindCollectors
    }

    /// Kinds the fast planner cannot collect without a kind collector.
    public static let kindsNeedingCollector: Set<CurriculumItem.Kind> = [.game24]

    /// Collects traces for `items` (page questions with `{base}` already filled in).
    /// Stopping `stop` ends the running item (it is not kept) and the collection, which
    /// still ends with its summary; cancelling the task that reads the stream ends it at once.
    public func collect(_ items: [CurriculumItem], stop: Deadline = .unlimited()) -> AsyncThrowingStream<CollectionEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<CollectionEvent, any Error>.makeStream()
        let task = Task {
            do {
                try await run(items, stop: stop) { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func run(_ items: [CurriculumItem], stop: Deadline, emit: (CollectionEvent) -> Void) async throws {
        var summary = CollectionSummary()
        var skippedKinds: [CurriculumItem.Kind: Int] = [:]
        let runnable = TraceSelection.interleaved(items).filter { item in
            guard Self.kindsNeedingCollector.contains(item.kind), kindCollectors[item.kind] == nil else { return true }
            skippedKinds[item.kind, default: 0] += 1
            return false
        }
        for (kind, count) in skippedKinds.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            summary.notes.append("\(kind.rawValue): \(count) items skipped (traces of this kind are not collected yet)")
        }
        var selection = TraceSelection(maximumPerKind: options.maximumPerKind)
        emit(.started(total: runnable.count))
        try await tryEach(runnable, stop: stop, selection: &selection, summary: &summary, emit: emit)
        if stop.isStopped {
            // What was tried still counts: the file holds its kept traces.
            summary.notes.append("stopped: \(summary.total.tried) of \(runnable.count) items tried")
        }
        emit(.summary(summary))
    }

    private func tryEach(
        _ runnable: [CurriculumItem], stop: Deadline, selection: inout TraceSelection, summary: inout CollectionSummary,
        emit: (CollectionEvent) -> Void
    ) async throws {
        for (index, item) in runnable.enumerated() {
            try Task.checkCancellation()
            if stop.isStopped { return }
            let outcome: CollectionOutcome
            if selection.isFull(item.kind) {
                outcome = .skipped
            } else {
                emit(.trying(index: index, item: item))
                let result = try await verifiedTrace(for: item, stop: stop)
                // A run cut by the stop is neither a trace nor the model's failure.
                if stop.isStopped { return }
                switch result {
                case .failure(let rejection):
                    summary.update(item.kind) { $0.tried += 1; $0.rejections[rejection.label, default: 0] += 1 }
                    outcome = .rejected(rejection)
                case .success(let (traces, attempt)):
                    let admissions = traces.map { selection.admit($0) }
                    summary.update(item.kind) { tally in
                        tally.tried += 1
                        tally.verified += 1
                        if attempt > 0 { tally.verifiedBySampling += 1 }
                        for admission in admissions {
                            switch admission {
                            case .kept: tally.kept += 1
                            case .duplicate: tally.duplicates += 1
                            case .overCap: tally.overCap += 1
                            }
                        }
                    }
                    let kept = zip(traces, admissions).filter { $0.1 == .kept }.map(\.0)
                    outcome = kept.isEmpty ? .dropped(admissions.first ?? .duplicate) : .kept(kept)
                }
            }
            emit(.finished(index: index, item: item, outcome: outcome))
        }
    }

    /// The traces of the first verified run among the greedy one and the sampled ones
    /// (with its attempt number), or the greedy run's rejection.
    func verifiedTrace(for item: CurriculumItem, stop: Deadline = .unlimited()) async throws -> Result<([TrainingTrace], Int), TraceRejection> {
        var first: TraceRejection?
        for attempt in 0...max(0, options.samples) {
            try Task.checkCancellation()
            if stop.isStopped { break }
            let temperature = attempt == 0 ? 0 : options.temperature
            let seed = options.seed &+ UInt64(attempt)
            let result: Result<[TrainingTrace], TraceRejection>
            if let collector = kindCollectors[item.kind] {
                result = try await collector.traces(for: item, attempt: attempt, temperature: temperature, seed: seed)
            } else {
                result = try await fastTrace(for: item, temperature: temperature, seed: seed, stop: stop).map { [$0] }
            }
            switch result {
            case .success(let traces) where !traces.isEmpty: return .success((traces, attempt))
            case .success: first = first ?? .emptyAnswer
            case .failure(let rejection): first = first ?? rejection
            }
        }
        return .failure(first ?? .emptyAnswer)
    }

    /// One fast-mode run of `item`, verified.
    func fastTrace(
        for item: CurriculumItem, temperature: Double, seed: UInt64, stop: Deadline = .unlimited()
    ) async throws -> Result<TrainingTrace, TraceRejection> {
        var planner = self.planner
        planner.options.temperature = temperature
        planner.options.seed = seed
        let prompt = try planner.conversation(for: item.question).messages
        let answer = try await planner.answer(item.question, deadline: stop)
        if answer.stoppedBy == .cancellation { throw CancellationError() }
        if let rejection = verifier.rejection(of: answer, for: item) { return .failure(rejection) }
        return .success(TrainingTrace(item: item, prompt: prompt, conversation: answer.conversation))
    }
}
