import AgentTools
import Foundation
import Synchronization

/// One search in progress: the tree, the session of every live state, and the
/// bookkeeping that chooses what to expand next.
///
/// Every call into the model goes through `BoundedCall`, so the search never waits
/// for one past its deadline: setting up the task's context, branching, writing,
/// weighing and judging are all inside the budget.
struct SearchState {
    let task: any DeliberationTask
    let model: any LanguageModel
    let options: DeliberationOptions
    /// When the search ends: the budget from its start, or the caller's stop.
    let deadline: Deadline
    let started: Duration
    /// Whether the value prompt steers this search, and why (for the report).
    let valueUse: (used: Bool, note: String)

    var tree = ThoughtTree()
    /// The session holding each live state's context (the root's included).
    var sessions: [Int: any LanguageModelSession] = [:]
    /// States waiting for their first expansion.
    var open: Set<Int> = [0]
    /// How often each state was expanded.
    var expansions: [Int: Int] = [:]
    /// Tokens of sessions already let go (added from branches' own tasks too).
    let spent = UsageTally()
    /// The proposals left from each state whose thoughts the task lists.
    var queues: [Int: ProposalQueue] = [:]
    /// The states reached so far, by the task's key: a position is grown once.
    var reached: Set<String> = []
    /// The value prompt's opening, evaluated once and forked for every state.
    var valueSession: (any LanguageModelSession)?
    var valuePreamble: [Message]?
    /// Value readings by question: states reached along different paths are judged once.
    var values: [String: Double?] = [:]
    /// The reading of the content-free state, subtracted from every reading.
    var baseline: Double??
    var solution: Int?
    var agreed = false

    init(
        task: any DeliberationTask, model: any LanguageModel, options: DeliberationOptions, deadline: Deadline
    ) async throws {
        self.task = task
        self.model = model
        self.options = options
        started = deadline.clock.now
        self.deadline = deadline.limited(to: options.budget)
        valuePreamble = try task.valuePreamble()
        valueUse = Self.valueUse(options.value, task: task, hasPrompt: valuePreamble != nil)
        if let key = task.stateKey(after: []) { reached.insert(key) }
        let task = task
        let root = try await BoundedCall.run(before: self.deadline) {
            let root = try await model.makeSession()
            try await task.begin(in: root)
            return root
        }
        // Time ran out setting up: the search answers with nothing tried.
        if let root { sessions[0] = root } else { open = [] }
    }

    /// Whether the value steers the search, and the sentence the report gives.
    static func valueUse(_ use: DeliberationOptions.ValueUse, task: any DeliberationTask, hasPrompt: Bool) -> (Bool, String) {
        guard hasPrompt else { return (false, "no value prompt for this task") }
        let measured = task.valueAUC.map { String(format: "AUC %.2f on the dev set", $0) } ?? "AUC not measured"
        switch use {
        case .model: return (true, "value prompt on (--value model; \(measured))")
        case .none: return (false, "value prompt off (--value none)")
        case .automatic:
            if let auc = task.valueAUC, auc < DeliberationTaskDefaults.usefulValueAUC {
                return (false, String(format: "value prompt off: its AUC on the dev set is %.2f, below %.1f", auc, DeliberationTaskDefaults.usefulValueAUC))
            }
            return (true, "value prompt on (\(measured))")
        }
    }

    var timeLeft: Bool { !deadline.isPast && !thoughtLimitReached }

    var thoughtLimitReached: Bool {
        options.maximumThoughts.map { tree.nodes.count - 1 >= $0 } ?? false
    }

    /// The time on the search's clock.
    var now: Duration { deadline.clock.now }

    // MARK: - Growing the tree

    mutating func grow(onProgress: @escaping @Sendable (DeliberationProgress) -> Void) async throws {
        while timeLeft, solution == nil, !agreed {
            var batch = nextBatch()
            if batch.isEmpty { batch = reopened() }
            guard !batch.isEmpty else { break }
            for id in batch {
                guard timeLeft, solution == nil, !agreed else { break }
                try await expand(id, onProgress: onProgress)
            }
        }
    }

    /// The `beamWidth` best open states of the deepest level that has any.
    func nextBatch() -> [Int] {
        guard let depth = open.map({ tree.nodes[$0].depth }).max() else { return [] }
        return open.filter { tree.nodes[$0].depth == depth }.sorted(by: better).prefix(options.beamWidth).map { $0 }
    }

    /// When every state has been expanded: the best live states again, for new
    /// proposals, while they have any left.
    func reopened() -> [Int] {
        sessions.keys.filter(canExpandAgain).sorted(by: better).prefix(options.beamWidth).map { $0 }
    }

    /// A listed state while its queue holds proposals; another until its expansions run out.
    func canExpandAgain(_ id: Int) -> Bool {
        if let queue = queues[id] { return !queue.isExhausted }
        return (expansions[id] ?? 0) < options.maximumExpansions
    }

    /// Higher score first; then deeper; then older.
    func better(_ a: Int, _ b: Int) -> Bool {
        let (x, y) = (tree.nodes[a], tree.nodes[b])
        if x.score != y.score { return x.score > y.score }
        if x.depth != y.depth { return x.depth > y.depth }
        return a < b
    }

    mutating func expand(_ id: Int, onProgress: @escaping @Sendable (DeliberationProgress) -> Void) async throws {
        guard let session = sessions[id] else { return }
        open.remove(id)
        let round = expansions[id, default: 0]
        expansions[id] = round + 1
        let path = tree.path(to: id)
        if let candidates = task.candidates(after: path), options.proposer == .uniform || model.vocabulary != nil {
            try await proposeListed(candidates, from: id, path: path, session: session, onProgress: onProgress)
        } else {
            try await proposeSampled(from: id, round: round, path: path, session: session, onProgress: onProgress)
        }
        if !canExpandAgain(id), let done = sessions.removeValue(forKey: id) {
            await letGo(done)
        }
    }

    /// Thoughts the model writes token by token (sampled, each with its own seed).
    private mutating func proposeSampled(
        from id: Int, round: Int, path: [Thought], session: any LanguageModelSession,
        onProgress: @escaping @Sendable (DeliberationProgress) -> Void
    ) async throws {
        var seen = Set(tree.children(of: id).map { tree.nodes[$0].text })
        for index in 0..<options.proposals {
            guard timeLeft else { break }
            let seed = options.seed &+ UInt64(id) &* 1_000_003 &+ UInt64(round * options.proposals + index)
            let (task, sampling) = (task, sampling(seed: seed, siblings: seen))
            let written: (any LanguageModelSession, Thought?)? = try await BoundedCall.run(before: deadline) {
                let branch = try await session.fork()
                return (branch, try await task.writeThought(after: path, in: branch, sampling: sampling))
            }
            guard let written else { break }
            let (branch, thought) = written
            // The same thought again adds nothing to grow, but the same answer again
            // is another vote for it.
            guard let thought, seen.insert(thought.text.trimmingCharacters(in: .newlines)).inserted || thought.answer != nil else {
                await letGo(branch)
                continue
            }
            try await record(thought, in: branch, under: id, path: path, onProgress: onProgress)
            if solution != nil || agreed { break }
        }
    }

    /// Thoughts the task lists, proposed in the order of a sample without replacement
    /// from the proposer's distribution (the model's probability of each whole
    /// thought, or uniform), until the ones left hold almost none of it.
    private mutating func proposeListed(
        _ candidates: [String], from id: Int, path: [Thought], session: any LanguageModelSession,
        onProgress: @escaping @Sendable (DeliberationProgress) -> Void
    ) async throws {
        if queues[id] == nil {
            var report = progress
            report.activity = "weighing \(candidates.count) moves after \(Self.position(of: path))"
            onProgress(report)
            guard let weights = try await weigh(candidates, after: session) else { return }
            let seed = options.seed &* 0x9E37_79B9 &+ UInt64(id) &* 1_000_003
            queues[id] = ProposalQueue(candidates: candidates, logProbabilities: weights, seed: seed, leftoverMass: options.leftoverMass)
        }
        for _ in 0..<options.proposals {
            guard timeLeft, let candidate = queues[id]?.next() else { break }
            let task = task
            let written: (any LanguageModelSession, Thought?)? = try await BoundedCall.run(before: deadline) {
                let branch = try await session.fork()
                return (branch, try await task.write(candidate, after: path, in: branch))
            }
            guard let written else { break }
            let (branch, thought) = written
            guard let thought else {
                await letGo(branch)
                continue
            }
            // A position reached before by other moves is grown there; an answer still counts.
            if thought.answer == nil, let key = task.stateKey(after: path + [thought]), !reached.insert(key).inserted {
                await letGo(branch)
                continue
            }
            try await record(thought, in: branch, under: id, path: path, onProgress: onProgress)
            if solution != nil || agreed { break }
        }
    }

    /// The proposer's log-probability of each candidate: the model's, or equal ones.
    private mutating func weigh(_ candidates: [String], after session: any LanguageModelSession) async throws -> [Double]? {
        guard options.proposer == .model, candidates.count > 1, model.vocabulary != nil else {
            return Array(repeating: 0, count: candidates.count)
        }
        let spent = spent
        return try await ListedThoughtWeights.read(candidates, model: model, after: session, deadline: deadline) { usage in
            spent.add(usage)
        }
    }

    /// Adds `thought` (written in `branch`) under `id`, keeps the branch when the
    /// state is worth growing, and reports.
    private mutating func record(
        _ thought: Thought, in branch: any LanguageModelSession, under id: Int, path: [Thought],
        onProgress: @escaping @Sendable (DeliberationProgress) -> Void
    ) async throws {
        let (score, value) = try await evaluate(thought, after: path)
        let child = tree.add(thought, under: id, score: score, value: value)
        if thought.solves {
            solution = child
        } else if thought.verified != false, thought.answer == nil, tree.nodes[child].depth < options.maximumDepth,
            score >= options.pruneBelow
        {
            sessions[child] = branch
            open.insert(child)
        }
        if !sessionsHold(branch, as: child) { await letGo(branch) }
        var report = progress
        report.thought = tree.nodes[child]
        report.pruned = thought.answer == nil && !thought.solves && (thought.verified == false || score < options.pruneBelow)
        let mark = thought.solves ? " ✓ solved" : thought.verified == false ? " ✗" : ""
        report.activity = "tried " + Self.position(of: path + [thought]) + mark
        onProgress(report)
        if thought.answer != nil, !thought.solves, agreement() { agreed = true }
    }

    /// A path as a person reads it: its last thought, or "the start".
    static func position(of path: [Thought]) -> String {
        path.last.map { $0.answerLine.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "the start"
    }

    private func sessionsHold(_ session: any LanguageModelSession, as id: Int) -> Bool {
        sessions[id].map { $0 === session } ?? false
    }

    /// Adds the session's usage to what was spent, unless the model is still busy
    /// when the search's time is up (then the count is left out rather than waited for).
    func letGo(_ session: any LanguageModelSession, grace: Deadline? = nil) async {
        let limit = deadline.isPast ? grace ?? Deadline.after(Self.usageGrace) : deadline
        let usage = try? await BoundedCall.run(before: limit) { await session.usage }
        if let usage = usage ?? nil { spent.add(usage) }
    }

    /// How long the end of the search waits for the sessions' token counts, all together.
    static let usageGrace = Duration.milliseconds(50)

    func sampling(seed: UInt64, siblings: Set<String>) -> ThoughtSampling {
        ThoughtSampling(temperature: options.temperature, seed: seed, deadline: deadline, siblings: siblings.sorted())
    }
}

/// Tokens used by sessions the search let go, added from whichever task saw them.
final class UsageTally: Sendable {
    private let total = Mutex(TokenUsage())

    /// Adds `usage`.
    func add(_ usage: TokenUsage) { total.withLock { $0 = $0 + usage } }

    /// The sum so far.
    var sum: TokenUsage { total.withLock { $0 } }
}
