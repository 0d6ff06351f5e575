import AgentTools
import Foundation

/// Any question, answered a line at a time: each thought is one line of the
/// planner's answer, tool calls and their results included, so the model can use
/// the calculator, the fetcher and Python while it thinks. The calculator checks
/// every arithmetic claim a line states; a value prompt judges the answer so far;
/// finished answers vote.
///
/// Deliberate mode keeps it for what the fast path's candidates do not cover: plain
/// reasoning questions whose first tool the question does not settle, and models
/// that cannot constrain their calls (remote servers). Arithmetic, page and plot
/// questions go to `EverydayDeliberation`, where samples of a whole grounded call can
/// be checked; line-by-line samples repeated the model's wrong operation instead.
public struct StepByStepTask: DeliberationTask {
    /// The task's name in reports: "step by step".
    public let name = "step by step"
    /// The question being answered.
    public let question: String
    /// Earlier turns of a chat.
    public let history: [Message]
    /// Writes the lines (its tools, prompts and limits; its sampling is the search's).
    public let planner: Planner
    private let prompts: PromptLibrary

    /// - Parameter planner: its tools are offered in inline markers, whatever the
    ///   model's own format (a line of a Hermes exchange cannot be continued).
    public init(question: String, history: [Message] = [], planner: Planner, prompts: PromptLibrary) {
        self.question = question
        self.history = history
        self.planner = planner
        self.prompts = prompts
    }

    /// Lays out the planner's conversation for the question, ready for its first line.
    public func begin(in session: any LanguageModelSession) async throws {
        let (messages, stablePrefix) = try planner.conversation(for: question, history: history, format: .inline)
        try await session.start(messages, assistantPrefix: "", stablePrefix: stablePrefix)
    }

    /// The next line of the answer, its arithmetic checked; nil when the model wrote
    /// nothing or was cut short by the deadline.
    public func writeThought(after path: [Thought], in session: any LanguageModelSession, sampling: ThoughtSampling) async throws -> Thought? {
        var writer = planner
        writer.options.temperature = sampling.temperature
        writer.options.seed = sampling.seed
        let line = try await writer.writeLine(in: session, deadline: sampling.deadline)
        // A line cut short by the clock or a stop request is not a thought.
        guard line.stoppedBy == nil || line.endsAnswer && !sampling.deadline.isPast else { return nil }
        let said = line.answer.trimmingCharacters(in: .whitespacesAndNewlines)
        if said.isEmpty && line.steps.isEmpty && !line.endsAnswer { return nil }
        let checks = ArithmeticClaims.check(said)
        let failed = checks.first { !$0.holds }
        let calculated = line.steps.contains { $0.tool == "calc" && $0.ok }
        var verified: Bool?
        var note: String?
        if let failed {
            verified = false
            note = "\(failed.expression) is \(failed.computed), not \(failed.claimed)"
        } else if !checks.isEmpty || calculated {
            verified = true
            note = checks.isEmpty ? nil : checks.map { "\($0.expression) = \($0.computed) ✓" }.joined(separator: ", ")
        }
        let answer = line.endsAnswer ? Self.answerText(path.map(\.answerLine) + [said]) : nil
        guard !(line.endsAnswer && answer?.isEmpty != false && line.steps.isEmpty) else { return nil }
        return Thought(
            text: line.text.trimmingCharacters(in: .newlines), verified: verified, note: note, answer: answer, steps: line.steps,
            tokens: line.tokens, answerLine: said)
    }

    /// The instructions and examples of `deliberate/value.md`.
    public func valuePreamble() throws -> [Message]? {
        try prompts.examples("deliberate/value.md")
    }

    /// The question and the answer so far, for the value prompt to judge; nil before any
    /// line says something.
    public func valueQuestion(after path: [Thought]) -> String? {
        let answer = Self.answerText(path.map(\.answerLine))
        guard !answer.isEmpty else { return nil }
        return try? prompts.render("deliberate/value-question.md", ["question": question, "answer": answer])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The finished answer, else the lines written so far.
    public func answer(from path: [Thought], finished: Bool) -> String {
        if finished, let answer = path.last?.answer { return answer }
        return Self.answerText(path.map(\.answerLine))
    }

    /// The last number of the answer (commas dropped, "12.50" read as 12.5), else
    /// the answer's words in lower case.
    public func voteKey(for answer: String) -> String {
        let numbers = answer.replacingOccurrences(of: ",", with: "").matches(of: /-?\d+(?:\.\d+)?/).map { String($0.output) }
        if let last = numbers.last, let value = Double(last) {
            return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        }
        return answer.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func answerText(_ lines: [String]) -> String {
        lines.filter { !$0.isEmpty }.joined(separator: "\n")
    }
}
