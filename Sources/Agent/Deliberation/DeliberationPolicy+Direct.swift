import AgentTools
import Foundation

/// Fast mode for the special tasks: a question a recogniser takes whose thoughts are
/// listed (the Game of 24) is answered by one chain of the model's likeliest moves
/// (`DirectChain`) instead of the planner, so fast mode gives one checkable answer
/// (moves the calculator computed, the expression the checker verified, or a plain
/// "no way found") rather than a tool call the question does not call for.
extension DeliberationPolicy {
    /// The recognised task `question` is answered by directly in fast mode; nil for
    /// every other question (the planner answers).
    public func directTask(for question: String, model: any LanguageModel) throws -> (any DeliberationTask)? {
        let chain = DirectChain(model: model)
        for recognise in recognisers {
            if let task = try recognise(question), chain.canAnswer(task) { return task }
        }
        return nil
    }

    /// The fast answer to `question` by `DirectChain`, with mode `.fast` and the chain as
    /// its tree; nil when no recogniser takes the question or the planner has no tools
    /// (a plain chat answers in words).
    public func directAnswer(_ question: String, planner: Planner, deadline: Deadline = .unlimited()) async throws -> AgentAnswer? {
        guard !planner.tools.isEmpty, let task = try directTask(for: question, model: planner.model) else { return nil }
        let result = try await DirectChain(model: planner.model).run(task, deadline: deadline.limited(to: planner.options.timeLimit))
        return AgentAnswer(
            answer: result.answer, mode: .fast, steps: result.steps, files: [], tokens: result.tokens, seconds: result.seconds,
            stoppedBy: result.stoppedBy, conversation: [Message(.user, question), Message(.assistant, result.answer)],
            deliberation: DeliberationReport(result, task: task.name))
    }
}
