import Foundation
import AgentTools

/// The state of one planner run: the parser, the answer text so far, the steps
/// taken and the tokens spent.
struct PlannerRun {
    let format: ToolCallFormat
    /// Whether calls' inputs are written under a token constraint (stop at the
    /// opening marker first) or freely (stop at the closing marker).
    let constrained: Bool
    var parser: MarkerStreamParser
    /// Where generation pauses so the planner can step in.
    let stopStrings: [String]
    var visibleText = ""
    var steps: [AgentStep] = []
    var generatedTokens = 0
    var stoppedBy: StopReason?
    /// Messages added before the final assistant turn (Hermes results).
    var conversation: [Message] = []
    /// What holds the calls to the question (nil: calls are free, as in a thought).
    var grounding: CallGrounding?
    /// The passages of the last page read, when the answer must be copied from them.
    var answerSources: [String]?
    /// A tool whose call failed and is opened again for another attempt.
    var retryTool: String?
    /// The tools that take JSON arguments (an MCP server's): a result of theirs, like
    /// the calculator's, is kept in the answer.
    let argumentTools: Set<String>

    init(format: ToolCallFormat, tools: [any Tool], constrained: Bool) {
        self.format = format
        self.constrained = constrained
        let names = tools.map(\.name)
        argumentTools = Set(tools.filter { $0.inputSchema != nil }.map(\.name))
        parser = MarkerStreamParser(format: format, tools: names)
        if names.isEmpty {
            stopStrings = []
        } else if constrained {
            stopStrings = parser.openingMarkers + [ToolCallFormat.resultOpening]
        } else {
            let closings = Set(names.map { format.closing(for: $0) })
            stopStrings = closings.sorted() + (format == .inline ? [ToolCallFormat.resultOpening] : [])
        }
    }

    /// The limit reached, if any: time (a stop request is not a limit) or tokens.
    func limitReached(options: PlannerOptions, deadline: Deadline) -> StopReason? {
        if deadline.timeIsUp { return .timeLimit }
        if generatedTokens >= options.maximumTokens { return .tokenLimit(options.maximumTokens) }
        return nil
    }

    mutating func feed(_ text: String, onEvent: @Sendable (AssistantEvent) -> Void) -> [MarkerStreamParser.Event] {
        let events = parser.feed(text)
        for event in events { MarkerStream.forward(event, to: onEvent) }
        return events
    }

    mutating func finish(onEvent: @Sendable (AssistantEvent) -> Void) -> [MarkerStreamParser.Event] {
        let events = parser.finish()
        for event in events { MarkerStream.forward(event, to: onEvent) }
        return events
    }

    mutating func absorbText(_ events: [MarkerStreamParser.Event]) {
        for case .text(let text) in events { visibleText += text }
    }

    func firstCall(in events: [MarkerStreamParser.Event]) -> Result<ToolCall, MalformedCall>? {
        for event in events {
            switch event {
            case .call(let call): return .success(call)
            case .malformedCall(let text): return .failure(MalformedCall(text: text))
            default: continue
            }
        }
        return nil
    }

    /// The answer: what the model wrote outside its markers. When it wrote nothing
    /// after using a tool, the last successful result is the answer.
    /// When the calculator's result is the answer (its call was the last), the answer
    /// holds that result exactly; so does a numeric result of a tool with JSON arguments.
    var finalAnswer: String {
        let text = visibleText.trimmingCharacters(in: .whitespacesAndNewlines)
        let lastResult = steps.last(where: \.ok)?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if text.isEmpty { return lastResult }
        if let grounding, let last = steps.last, last.ok, last.tool == "calc" || argumentTools.contains(last.tool),
            let result = last.tool == "calc" ? QuestionFacts.writtenNumbers(in: lastResult).first : Self.newNumber(in: lastResult, question: grounding.facts),
            !QuestionFacts.writtenNumbers(in: text).contains(result)
        {
            return text + " (" + lastResult + ")"
        }
        return text
    }

    /// The first number of a result that the question does not write (a conversion's
    /// "3.5 km = 3500 m" gives 3500), else its first number.
    static func newNumber(in result: String, question: QuestionFacts) -> String? {
        let numbers = QuestionFacts.writtenNumbers(in: result)
        return numbers.first { !question.numbers.contains($0) } ?? numbers.first
    }
}
