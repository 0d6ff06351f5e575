import AgentTools
import Foundation

/// Deliberate mode from question to answer: picks the search the question calls for
/// and reports an `AgentAnswer` with mode `.deliberate` and what was tried.
///
/// - a special task whose recogniser accepts the question (the Game of 24): a tree
///   of thoughts;
/// - an everyday question whose first tool the question settles (arithmetic, a page,
///   a figure) when the planner grounds its calls: candidates of the fast path,
///   checked and voted on (`EverydayDeliberation`);
/// - anything else (plain reasoning): step-by-step thoughts (`StepByStepTask`).
public struct DeliberateMode: Sendable {
    /// Recognises a question a special task handles, by what the question says.
    public typealias TaskRecogniser = @Sendable (_ question: String) throws -> (any DeliberationTask)?

    /// Writes step-by-step thoughts (its tools and limits) for questions no special task takes.
    public var planner: Planner
    /// The prompts of step-by-step reasoning and its value prompt.
    public var prompts: PromptLibrary
    /// The shape of the search and its budget.
    public var options: DeliberationOptions
    /// Tried in order before step-by-step reasoning.
    public var recognisers: [TaskRecogniser]
    /// How everyday questions are sampled, checked and voted on.
    public var everyday = EverydayOptions()

    /// Deliberate mode over `planner`, trying `recognisers` before step-by-step reasoning.
    public init(
        planner: Planner, prompts: PromptLibrary, options: DeliberationOptions = DeliberationOptions(), recognisers: [TaskRecogniser] = []
    ) {
        self.planner = planner
        self.prompts = prompts
        self.options = options
        self.recognisers = recognisers
    }

    /// The task for `question`.
    public func task(for question: String, history: [Message] = []) throws -> any DeliberationTask {
        for recognise in recognisers {
            if let task = try recognise(question) { return task }
        }
        return StepByStepTask(question: question, history: history, planner: planner, prompts: prompts)
    }

    /// The everyday kind of `question` when candidates of the fast path answer it: the
    /// planner grounds its calls, no special task takes the question, and the question
    /// settles its first tool. Nil otherwise.
    public func everydayKind(of question: String) throws -> EverydayKind? {
        guard planner.options.grounded, planner.model.vocabulary != nil else { return nil }
        for recognise in recognisers where try recognise(question) != nil { return nil }
        return EverydayKind(question: question, tools: planner.tools.map(\.name))
    }

    /// Searches for an answer to `question` (after the earlier turns `history`),
    /// within the budget of `options` and `deadline` (stopping it answers with the
    /// best so far).
    public func answer(
        _ question: String, history: [Message] = [], deadline: Deadline = .unlimited(),
        onProgress: @escaping @Sendable (DeliberationProgress) -> Void = { _ in }
    ) async throws -> AgentAnswer {
        if let kind = try everydayKind(of: question) {
            let search = EverydayDeliberation(planner: planner, kind: kind, options: everyday, budget: options.budget, seed: options.seed)
            let result = try await search.run(question, history: history, deadline: deadline, onProgress: onProgress)
            let chosen = result.chosen?.answer ?? AgentAnswer(answer: "")
            return AgentAnswer(
                answer: chosen.answer, mode: .deliberate, steps: chosen.steps, files: chosen.files, tokens: result.tokens,
                seconds: result.seconds, stoppedBy: result.stoppedBy ?? chosen.stoppedBy,
                conversation: chosen.conversation.isEmpty ? [Message(.user, question), Message(.assistant, chosen.answer)] : chosen.conversation,
                deliberation: DeliberationReport(result))
        }
        let task = try task(for: question, history: history)
        let search = Deliberation(model: planner.model, options: options)
        let result = try await search.run(task, deadline: deadline, onProgress: onProgress)
        let files = result.steps.flatMap(\.files)
        return AgentAnswer(
            answer: result.answer, mode: .deliberate, steps: result.steps, files: files, tokens: result.tokens, seconds: result.seconds,
            stoppedBy: result.stoppedBy, conversation: [Message(.user, question), Message(.assistant, result.answer)],
            deliberation: DeliberationReport(result, task: task.name))
    }
}

/// What `ask --json` adds in deliberate mode: the task, the tree and the chosen path.
public struct DeliberationReport: Codable, Sendable, Equatable {
    /// The task's name ("step by step", "game of 24").
    public var task: String
    /// Every thought, with its parent, score and checks.
    public var nodes: [ThoughtNode]
    /// Node ids of the path the answer comes from.
    public var path: [Int]
    /// True when an exact checker verified the answer.
    public var verified: Bool
    /// States expanded.
    public var expanded: Int
    /// Finished answers by vote key, with their summed scores.
    public var votes: [String: Double]
    /// Who proposed the thoughts of a task that lists them ("model", "uniform").
    public var proposer: String?
    /// Whether the value prompt steered the search, and why.
    public var value: String?
    /// Everyday questions: every candidate of the fast path, with its checks.
    public var candidates: [CandidateReport]?
    /// Everyday questions: the vote among the verified candidates.
    public var vote: CandidateVote?
    /// Everyday questions: how many candidates each batched pass wrote together.
    public var batches: [Int]?

    /// The report of `result`, a search on the task named `task`.
    public init(_ result: DeliberationResult, task: String) {
        self.task = task
        nodes = result.tree.nodes
        path = result.path
        verified = result.solved
        expanded = result.expanded
        votes = result.votes
        proposer = result.proposer.rawValue
        value = result.valueNote
    }

    /// The report of an everyday search: the question's node, one node per candidate
    /// (its checks in the note), the chosen one as the path.
    public init(_ result: EverydayResult) {
        task = "everyday \(result.kind.rawValue)"
        let ordered = result.candidates.sorted { $0.index < $1.index }
        nodes = [ThoughtNode(id: 0, parent: nil, text: "", score: 0.5, verified: nil, depth: 0)]
        // Node ids follow candidate indices; a candidate missing (cut short) leaves no gap.
        for candidate in ordered {
            var node = result.node(for: candidate)
            node.id = nodes.count
            nodes.append(node)
        }
        path = ordered.firstIndex { $0.index == result.vote.chosen }.map { [$0 + 1] } ?? []
        verified = result.chosen?.verified ?? false
        expanded = result.batches.count
        votes = result.vote.tallies.mapValues(Double.init)
        candidates = ordered.map(CandidateReport.init)
        vote = result.vote
        batches = result.batches
    }

    /// The tree drawn for a terminal, the chosen path marked, after a line saying
    /// who proposed and whether the value prompt was used.
    public var rendered: String {
        if let candidates, let vote { return Self.renderCandidates(candidates, vote: vote, batches: batches ?? []) }
        let heading = [proposer.map { "proposer: \($0)" }, value].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
        let tree = ThoughtTree.render(nodes, highlighting: Set(path))
        return heading.isEmpty ? tree : heading + "\n" + tree
    }
}

extension DeliberationReport {
    /// Candidates one per line (→ marks the one that answers), each with its checks,
    /// then the vote.
    static func renderCandidates(_ candidates: [CandidateReport], vote: CandidateVote, batches: [Int]) -> String {
        var lines = ["candidates of the fast path (written together: \(batches.map(String.init).joined(separator: ", ")))"]
        for candidate in candidates {
            let mark = candidate.index == vote.chosen ? "→" : " "
            let sampling = candidate.temperature == 0 ? "greedy" : "t=\(candidate.temperature) seed \(candidate.seed)"
            let call = candidate.calls.last.map { EverydayCandidate.shortened($0, to: 60) } ?? "no call"
            lines.append("\(mark) \(candidate.index + 1). [\(sampling)] \(call) \(candidate.verified ? "✓" : "✗")")
            let checks = candidate.checks.map { "\($0.kind.rawValue) \($0.holds ? "✓" : "✗")" + ($0.note.isEmpty ? "" : " (\($0.note))") }
            lines.append("     " + checks.joined(separator: ", "))
            lines.append("     answer: " + EverydayCandidate.shortened(candidate.answer, to: 70))
        }
        let tallies = vote.tallies.sorted { $0.value > $1.value || $0.value == $1.value && $0.key < $1.key }
            .map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        lines.append("vote: " + (tallies.isEmpty ? "none verified" : tallies) + " — " + vote.reason + (vote.settled ? ", settled" : ""))
        return lines.joined(separator: "\n")
    }
}
