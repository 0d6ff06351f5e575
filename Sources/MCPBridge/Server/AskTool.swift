import Agent
import AgentTools
import Foundation
import MCP

/// The whole agent as one MCP tool: a question in; the answer and the tool calls
/// that reached it out, as text and as structured content (figures as images).
/// `deliberate_seconds` makes it search a tree of thoughts for that long first.
/// While it works, a client that gave a progress token gets `notifications/progress`:
/// one per tool call (what was called, what came back), one per thought in deliberate mode.
public struct AskTool: ServedTool {
    /// What a client's model reads about the tool.
    public static let description =
        "Ask Ponder's agent a question: a local language model that calls an exact calculator, a web fetcher and sandboxed Python "
        + "as it needs them. Returns the answer and the tool calls it made. With deliberate_seconds it first searches a tree of "
        + "thoughts for that long (slower, better on puzzles such as the Game of 24)."

    /// The arguments: the question, and an optional search budget.
    public static let schema = ToolInputSchema([
        .init("question", .string, "The question, in full (each call is answered on its own)."),
        .init(
            "deliberate_seconds", .number, "Think before answering: search a tree of thoughts for this many seconds (0 < s <= \(Int(maximumDeliberation))).",
            required: false),
    ])

    /// The longest search a call may ask for, in seconds.
    public static let maximumDeliberation: Double = 3600

    /// The agent that answers.
    public let host: AgentHost

    /// The tool over `host`'s agent.
    public init(host: AgentHost) {
        self.host = host
    }

    /// `ask`, its description and schema.
    public var definition: MCP.Tool {
        MCP.Tool(
            name: "ask", description: Self.description, inputSchema: Self.schema.value,
            annotations: .init(title: "Ask Ponder's agent", readOnlyHint: false, destructiveHint: false, openWorldHint: true))
    }

    /// Answers the question, reporting progress; bad arguments and a model that fails are `isError` results.
    public func call(_ arguments: [String: Value]?, progress: ProgressReporter) async throws -> CallTool.Result {
        let question: String
        let thinking: Duration?
        do {
            (question, thinking) = try Self.read(arguments)
        } catch {
            return ToolResultContent.errorResult(error.description)
        }
        let reports = ProgressCounter(reporter: progress)
        if let thinking { await reports.starting(budget: thinking) }
        let answer: AgentAnswer
        do {
            answer = try await host.answer(question, thinking: thinking) { event in await reports.report(event) }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return ToolResultContent.errorResult("error: the agent could not answer: \(error)")
        }
        return Self.result(answer)
    }

    /// The question and the search budget of a call.
    static func read(_ arguments: [String: Value]?) throws(ToolArgumentError) -> (question: String, thinking: Duration?) {
        let read = try schema.read(arguments)
        let question = (read.strings["question"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !question.isEmpty else { throw .invalid("question", reason: "is empty") }
        guard let seconds = read.numbers["deliberate_seconds"] else { return (question, nil) }
        guard seconds > 0, seconds <= maximumDeliberation else {
            throw .invalid("deliberate_seconds", reason: "must be more than 0 and at most \(Int(maximumDeliberation))")
        }
        return (question, .milliseconds(Int((seconds * 1000).rounded())))
    }

    /// The answer as text (the answer, then one line per tool call), the figures as
    /// images, and the whole as structured content.
    public static func result(_ answer: AgentAnswer) -> CallTool.Result {
        var text = answer.answer
        if let reason = answer.stoppedBy { text += "\n\n(stopped by \(reason.description); this is the best answer so far)" }
        if !answer.steps.isEmpty {
            text += "\n\nsteps:\n" + answer.steps.map(\.summary).joined(separator: "\n")
        }
        let files = ToolResult(text: text, files: answer.files)
        return ToolResultContent.callResult(files, structured: try? Value(AskOutput(answer)))
    }
}

/// The structured content of an `ask` result.
struct AskOutput: Codable, Equatable {
    let answer: String
    let mode: String
    let steps: [AgentStep]
    let files: [String]
    let seconds: Double
    let stopped_by: String?

    init(_ answer: AgentAnswer) {
        self.answer = answer.answer
        mode = answer.mode.rawValue
        steps = answer.steps
        files = answer.files
        seconds = answer.seconds
        stopped_by = answer.stoppedBy?.description
    }
}

/// Turns the agent's events into progress reports whose value only grows: the
/// search's elapsed seconds of its budget in deliberate mode, else a count of tool events.
actor ProgressCounter {
    private let reporter: ProgressReporter
    private var count = 0.0

    init(reporter: ProgressReporter) {
        self.reporter = reporter
    }

    /// The first report of a search of `budget`, before the model has loaded.
    func starting(budget: Duration) async {
        guard reporter.isActive else { return }
        await reporter.report(0, total: Self.seconds(budget), message: "thinking: up to \(String(format: "%g", Self.seconds(budget))) s")
    }

    func report(_ event: AssistantEvent) async {
        guard reporter.isActive else { return }
        switch event {
        case .toolStarted(let tool, let input):
            count += 1
            await reporter.report(count, message: "calling \(tool): \(input.prefix(80))")
        case .toolResult(let step):
            count += 1
            await reporter.report(count, message: step.summary)
        case .progress(let search):
            let elapsed = Self.seconds(search.elapsed), budget = Self.seconds(search.budget)
            count = max(count, elapsed)
            let message = "thinking: \(search.thoughts) thoughts, depth \(search.depth), best score \(String(format: "%.2f", search.bestScore))"
            await reporter.report(count, total: max(budget, count), message: message)
        case .text, .stopped, .answer:
            break
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
