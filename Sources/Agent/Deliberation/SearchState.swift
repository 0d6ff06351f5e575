import AgentTools
import Foundation

/// One search in progress: the tree, the session of every live state, and the
/// bookkeeping that chooses what to expand next.
struct SearchState {
    let task: any DeliberationTask
    let model: any LanguageModel
    let options: DeliberationOptions
    /// When the search ends: the budget from its start, or the caller's stop.
    let deadline: Deadline
    let started: Duration

    var tree = ThoughtTree()
    /// The session holding each live state's context (the root's included).
    var sessions: [Int: any LanguageModelSession] = [:]
    /// States waiting for their first expansion.
    var open: Set<Int> = [0]
    /// How often each state was expanded.
    var expansions: [Int: Int] = [:]
    /// Tokens of sessions already let go.
    var spent = TokenUsage()
    /// The value prompt's opening, evaluated once and forked for every state.
    var valueSession: (any LanguageModelSession)?
    var valuePreamble: [Message]?
    /// Value readings by question: states reached along different paths are judged once.
    var values: [String: Double?] = [:]
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
        let root = try await model.makeSession()
        try await task.begin(in: root)
        sessions[0] = root
        valuePreamble = try task.valuePreamble()
    }

    var timeLeft: Bool { !deadline.isPast }

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
    /// samples, while they have expansions left.
    func reopened() -> [Int] {
        sessions.keys.filter { (expansions[$0] ?? 0) < options.maximumExpansions }.sorted(by: better)
            .prefix(options.beamWidth).map { $0 }
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
        var seen = Set(tree.children(of: id).map { tree.nodes[$0].text })
        for index in 0..<options.proposals {
            guard timeLeft else { break }
            let branch = try await session.fork()
            let seed = options.seed &+ UInt64(id) &* 1_000_003 &+ UInt64(round * options.proposals + index)
            let (task, sampling) = (task, sampling(seed: seed, siblings: seen))
            let thought = try await deadline.race { try await task.writeThought(after: path, in: branch, sampling: sampling) } ?? nil
            // The same thought again adds nothing to grow, but the same answer again
            // is another vote for it.
            guard let thought, seen.insert(thought.text.trimmingCharacters(in: .newlines)).inserted || thought.answer != nil else {
                await letGo(branch)
                continue
            }
            let score = try await evaluate(thought, after: path)
            let child = tree.add(thought, under: id, score: score)
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
            onProgress(report)
            if solution != nil { break }
            if thought.answer != nil, agreement() {
                agreed = true
                break
            }
        }
        if (expansions[id] ?? 0) >= options.maximumExpansions, let done = sessions.removeValue(forKey: id) {
            await letGo(done)
        }
    }

    private func sessionsHold(_ session: any LanguageModelSession, as id: Int) -> Bool {
        sessions[id].map { $0 === session } ?? false
    }

    private mutating func letGo(_ session: any LanguageModelSession) async {
        spent = spent + (await session.usage)
    }

    func sampling(seed: UInt64, siblings: Set<String>) -> ThoughtSampling {
        ThoughtSampling(temperature: options.temperature, seed: seed, deadline: deadline, siblings: siblings.sorted())
    }

    // MARK: - Judging states

    /// The state's score: 0 when a check failed, 1 when the answer is verified,
    /// else the value prompt's reading (0.5 without one), a little higher when the
    /// thought's claims were checked and held.
    mutating func evaluate(_ thought: Thought, after path: [Thought]) async throws -> Double {
        if thought.verified == false { return 0 }
        if thought.solves { return 1 }
        var value = 0.5
        if let question = task.valueQuestion(after: path + [thought]), let reading = try await valueReading(question) {
            value = reading
        }
        return thought.verified == true ? min(1, value + 0.1) : value
    }

    private mutating func valueReading(_ question: String) async throws -> Double? {
        if let known = values[question] { return known }
        guard let preamble = valuePreamble, timeLeft else { return nil }
        if valueSession == nil {
            let session = try await model.makeSession()
            valueSession = session
            guard try await deadline.race({ try await session.start(preamble, assistantPrefix: "", stablePrefix: preamble.count) }) != nil else {
                return nil
            }
        }
        guard let base = valueSession else { return nil }
        let branch = try await base.fork()
        let request = GenerationRequest(maximumTokens: 1, alternatives: options.valueAlternatives)
        let outcome = try await deadline.race {
            try await branch.start(preamble + [Message(.user, question)], assistantPrefix: "", stablePrefix: preamble.count)
            return try await branch.generate(request) { _ in true }
        }
        spent = spent + (await branch.usage)
        guard let outcome else { return nil }
        let value = outcome.alternatives.first.flatMap(options.scale.value(of:))
        values[question] = value
        return value
    }

    // MARK: - Ending

    /// Finished answers by vote key: how many and their summed scores.
    func tally() -> [String: (count: Int, weight: Double, best: Int)] {
        var groups: [String: (count: Int, weight: Double, best: Int)] = [:]
        for node in tree.nodes where node.answer != nil && node.verified != false {
            let key = task.voteKey(for: node.answer ?? "")
            let weight = max(node.score, 0.05)
            if let group = groups[key] {
                let best = node.score > tree.nodes[group.best].score ? node.id : group.best
                groups[key] = (group.count + 1, group.weight + weight, best)
            } else {
                groups[key] = (1, weight, node.id)
            }
        }
        return groups
    }

    /// Enough finished answers agree, and they outweigh the others two to one.
    func agreement() -> Bool {
        let groups = tally()
        guard let top = groups.values.max(by: { $0.weight < $1.weight }), top.count >= options.agreement else { return false }
        let others = groups.values.reduce(0) { $0 + $1.weight } - top.weight
        return top.weight >= 2 * others
    }

    var progress: DeliberationProgress {
        DeliberationProgress(
            elapsed: now - started, budget: options.budget, expanded: expansions.values.reduce(0, +), thoughts: tree.nodes.count - 1,
            bestScore: tree.nodes.dropFirst().map(\.score).max() ?? 0, depth: tree.nodes.map(\.depth).max() ?? 0,
            answers: tree.nodes.filter { $0.answer != nil && $0.verified != false }.count)
    }

    mutating func conclude() async throws -> DeliberationResult {
        for session in sessions.values { await letGo(session) }
        if let base = valueSession { await letGo(base) }
        sessions = [:]
        let groups = tally()
        var chosen: Int
        var finished = true
        if let solution {
            chosen = solution
        } else if let winner = groups.values.max(by: { ($0.weight, -$0.best) < ($1.weight, -$1.best) }) {
            chosen = winner.best
        } else {
            // No answer yet: the most promising live state, deepest first among equals.
            finished = false
            let live = tree.nodes.dropFirst().filter { $0.verified != false }.map(\.id)
            chosen = live.sorted(by: better).first ?? 0
        }
        var stoppedBy: StopReason?
        if solution == nil, !agreed {
            if deadline.isStopped {
                stoppedBy = .stopRequest
            } else if deadline.timeIsUp {
                stoppedBy = .budget(options.budget)
            }
        }
        let path = tree.path(to: chosen)
        return DeliberationResult(
            answer: task.answer(from: path, finished: finished), path: tree.pathIDs(to: chosen), tree: tree, solved: solution != nil,
            finished: finished, votes: groups.mapValues(\.weight), stoppedBy: stoppedBy, steps: path.flatMap(\.steps), tokens: spent,
            expanded: expansions.values.reduce(0, +), seconds: (now - started).inSeconds)
    }
}
