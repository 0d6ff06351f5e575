import AgentTools
import Foundation

/// Tree-of-thought search within a wall-clock budget ("system 2").
///
/// From the question, the model proposes `proposals` thoughts per state (sampled,
/// so they differ); each new state is checked by the task and judged by a value
/// prompt; the `beamWidth` best states of the deepest level that still has live
/// states are expanded next (breadth-first with a beam, backtracking to the best
/// states left behind when a level dies out). Branches fork their parent's session,
/// so a state's shared prefix is never evaluated again. The search stops at a
/// verified answer, when finished answers agree, when the budget is spent or when
/// asked to; it always answers, from the best path it has.
public struct Deliberation: Sendable {
    /// The model that writes and judges the thoughts.
    public let model: any LanguageModel
    /// The shape of the search and its budget.
    public var options: DeliberationOptions

    /// A search with `model`, shaped by `options`.
    public init(model: any LanguageModel, options: DeliberationOptions = DeliberationOptions()) {
        self.model = model
        self.options = options
    }

    /// Searches `task` and answers. The search ends when `options.budget` is spent
    /// or `deadline` passes, whichever comes first, timed on `deadline`'s clock;
    /// stopping `deadline` ends it early too (it then answers with the best so
    /// far). `onProgress` hears after every thought.
    public func run(
        _ task: any DeliberationTask, deadline: Deadline = .unlimited(),
        onProgress: @escaping @Sendable (DeliberationProgress) -> Void = { _ in }
    ) async throws -> DeliberationResult {
        var search = try await SearchState(task: task, model: model, options: options, deadline: deadline)
        try await search.grow(onProgress: onProgress)
        return try await search.conclude()
    }
}

/// What a search found.
public struct DeliberationResult: Sendable {
    /// The answer a person reads.
    public var answer: String
    /// Node ids from the root's child to the node the answer comes from.
    public var path: [Int]
    /// Every thought the search wrote.
    public var tree: ThoughtTree
    /// True when the task's exact checker confirmed the answer.
    public var solved: Bool
    /// True when the answer ends a path; false when it is the best partial path.
    public var finished: Bool
    /// Finished answers by vote key, with their summed scores.
    public var votes: [String: Double]
    /// Nil when the search ended by itself (a verified answer, agreement, nothing
    /// left to try); else what ended it (`.budget`, `.stopRequest`).
    public var stoppedBy: StopReason?
    /// The tool calls along the chosen path.
    public var steps: [AgentStep]
    /// Tokens read and written by every branch and value prompt.
    public var tokens: TokenUsage
    /// States expanded.
    public var expanded: Int
    /// Wall-clock seconds (by the search's clock).
    public var seconds: Double
    /// Who proposed the thoughts of a task that lists them.
    public var proposer: DeliberationOptions.Proposer = .model
    /// Whether the value prompt steered the search, and why: "value prompt off: its
    /// AUC on the dev set is 0.52, below 0.6".
    public var valueNote: String = ""
}
