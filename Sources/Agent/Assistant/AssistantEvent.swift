/// What happens while the assistant answers, in order: for a terminal, a server's
/// event stream or a web page, which all read the same sequence.
///
/// A fast answer: `text` pieces, with `toolStarted` → `toolResult` pairs between
/// them; a deliberate one: `progress` after each thought. Then `stopped` if a limit
/// or a stop request cut the run short, and last `answer`, which carries everything.
public enum AssistantEvent: Sendable, Equatable {
    /// Answer text as the model writes it (markers and tool results removed).
    case text(String)
    /// A tool call is about to run: the tool's name and the input the model wrote.
    case toolStarted(tool: String, input: String)
    /// A tool call finished: its output, whether it succeeded, how long it took, the files it wrote.
    case toolResult(AgentStep)
    /// A search grew by a thought: elapsed time, budget, thoughts, best score, depth.
    case progress(DeliberationProgress)
    /// The run was cut short; the answer that follows is the best so far.
    case stopped(StopReason)
    /// The answer and how it was reached; the last event.
    case answer(AgentAnswer)
}
