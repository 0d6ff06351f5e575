import AgentTools
import Foundation

/// Deliberate mode from question to answer: picks the task the question calls for
/// (a special task whose recogniser accepts the question, else step-by-step
/// reasoning with the planner's tools), searches, and reports an `AgentAnswer`
/// with mode `.deliberate` and the tree.
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

    /// Searches for an answer to `question` (after the earlier turns `history`),
    /// within the budget of `options` and `deadline` (stopping it answers with the
    /// best so far).
    public func answer(
        _ question: String, history: [Message] = [], deadline: Deadline = .unlimited(),
        onProgress: @escaping @Sendable (DeliberationProgress) -> Void = { _ in }
    ) async throws -> AgentAnswer {
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

    /// The tree drawn for a terminal, the chosen path marked, after a line saying
    /// who proposed and whether the value prompt was used.
    public var rendered: String {
        let heading = [proposer.map { "proposer: \($0)" }, value].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
        let tree = ThoughtTree.render(nodes, highlighting: Set(path))
        return heading.isEmpty ? tree : heading + "\n" + tree
    }
}
