import Agent
import Foundation

/// Decides whether a run answered a curriculum item provably right, by the rules the
/// evaluation uses (`tools/eval.py`) plus checks on how the answer was reached:
///
/// - `.number`: a number in the answer equals the expected one (thousands separators
///   ignored, 1e-6 relative), the calculator was called, every call succeeded, and each
///   calculation's numbers are the question's (or an earlier result's, or 1);
/// - `.text`: the answer contains the fact (case and thousands separators ignored) and
///   a fetch of the question's page succeeded;
/// - `.plot`: the Python code ran and saved a PNG, and that code plots exactly the
///   question's numbers (`PlotDataCheck`), every expected number among them;
/// - `.reply`: a non-empty reply without tool calls that does not repeat itself.
///
/// Every run must also have finished by itself: an answer cut by a limit is the best so
/// far, not a trace to learn from.
public struct TraceVerifier: Sendable {
    /// A verifier.
    public init() {}

    /// Nil when `answer` is a verified answer to `item`; else why not.
    public func rejection(of answer: AgentAnswer, for item: CurriculumItem) -> TraceRejection? {
        if let reason = answer.stoppedBy { return .cutByLimit(reason) }
        // A plot's answer is its figure: the reason it failed says more than its empty text.
        if case .plot(let data) = item.expected { return plotRejection(answer, question: item.question, expected: data) }
        guard !answer.answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return .emptyAnswer }
        switch item.expected {
        case .number(let value): return numberRejection(answer, question: item.question, expected: value)
        case .text(let value): return textRejection(answer, item: item, expected: value)
        case .plot(let data): return plotRejection(answer, question: item.question, expected: data)
        case .reply: return replyRejection(answer)
        case .game24: return .kindNotCollected
        }
    }

    // MARK: Numbers

    private func numberRejection(_ answer: AgentAnswer, question: String, expected: String) -> TraceRejection? {
        let calculations = answer.steps.filter { $0.tool == "calc" }
        guard !calculations.isEmpty else { return .noCalculation }
        guard calculations.allSatisfy(\.ok) else { return .calculationFailed }
        guard Self.callsAreGrounded(answer.steps, question: question) else { return .ungroundedOperands }
        guard let value = Self.number(expected), Self.numbers(in: answer.answer).contains(where: { Self.equal($0, value) }) else {
            return .numberNotStated
        }
        return nil
    }

    /// The numbers of `text` as the evaluation reads them: `-?\d[\d,]*(\.\d+)?`, commas dropped.
    static func numbers(in text: String) -> [Double] {
        matches(of: #"-?\d[\d,]*(?:\.\d+)?"#, in: text).compactMap { number($0) }
    }

    static func number(_ text: String) -> Double? {
        Double(text.replacingOccurrences(of: ",", with: ""))
    }

    /// Equal within 1e-6 relative (absolute below 1), as the evaluation compares.
    static func equal(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-6 * max(1, abs(b))
    }

    /// Whether every calculation wrote only numbers the question writes (as
    /// `QuestionFacts` reads them), 1, or numbers an earlier tool result holds.
    static func callsAreGrounded(_ steps: [AgentStep], question: String) -> Bool {
        var allowed = QuestionFacts(question).numbers.union(["1"])
        for step in steps {
            if step.tool == "calc" {
                let used = matches(of: #"\d+(?:\.\d+)?"#, in: step.input)
                guard used.allSatisfy({ number in QuestionFacts.forms(of: number).contains { allowed.contains($0) } }) else { return false }
            }
            for number in matches(of: #"\d+(?:\.\d+)?"#, in: step.output.replacingOccurrences(of: ",", with: "")) {
                allowed.formUnion(QuestionFacts.forms(of: number))
            }
        }
        return true
    }

    // MARK: Page facts

    private func textRejection(_ answer: AgentAnswer, item: CurriculumItem, expected: String) -> TraceRejection? {
        let pageURLs = Set(QuestionFacts.urls(in: item.question).filter { url in item.page.map { url.hasSuffix("/" + $0.name) } ?? true })
        let fetches = answer.steps.filter { $0.tool == "fetch" && pageURLs.contains($0.input.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard !fetches.isEmpty else { return .pageNotFetched }
        guard fetches.contains(where: \.ok) else { return .fetchFailed }
        guard Self.normalised(answer.answer).contains(Self.normalised(expected)) else { return .factNotStated }
        return nil
    }

    /// Lower case, thousands separators dropped: "12,345" → "12345".
    static func normalised(_ text: String) -> String {
        text.replacingOccurrences(of: #"(?<=\d),(?=\d)"#, with: "", options: .regularExpression).lowercased()
    }

    // MARK: Plots

    private func plotRejection(_ answer: AgentAnswer, question: String, expected: [Double]) -> TraceRejection? {
        let runs = answer.steps.filter { $0.tool == "python" }
        guard !runs.isEmpty else { return .noPython }
        let worked = runs.filter(\.ok)
        guard !worked.isEmpty else { return .pythonFailed }
        let drew = worked.filter { $0.files.contains(where: Self.isPNG) }
        guard !drew.isEmpty else { return .noFigure }
        let check = PlotDataCheck(question: question)
        let plotsTheData = drew.contains { step in
            let present = Self.numbers(in: step.input)
            return check.problem(code: step.input) == nil && expected.allSatisfy { value in present.contains { Self.equal($0, value) } }
        }
        return plotsTheData ? nil : .wrongPlotData
    }

    /// Whether the file at `path` starts with the PNG signature.
    static func isPNG(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        return (try? handle.read(upToCount: 8)).map { Array($0) == signature } ?? false
    }

    // MARK: Chat

    private func replyRejection(_ answer: AgentAnswer) -> TraceRejection? {
        guard answer.steps.isEmpty else { return .toolCalled }
        return Self.repeatsItself(answer.answer) ? .repetitive : nil
    }

    /// Words in a run that, said twice, make a reply repetitive.
    static let repeatedRunLength = 8

    /// Whether `text` says a sentence (of four words or more) twice, or any run of
    /// `repeatedRunLength` words twice.
    static func repeatsItself(_ text: String) -> Bool {
        let sentences = text.lowercased().split { ".!?\n".contains($0) }
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            .filter { $0.split(separator: " ").count >= 4 }
        if Set(sentences).count < sentences.count { return true }
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        guard words.count >= 2 * repeatedRunLength else { return false }
        var seen: Set<[String]> = []
        for start in 0...(words.count - repeatedRunLength) {
            if !seen.insert(Array(words[start..<start + repeatedRunLength])).inserted { return true }
        }
        return false
    }

    // MARK: Text

    static func matches(of pattern: String, in text: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range, in: text).map { String(text[$0]) }
        }
    }
}
