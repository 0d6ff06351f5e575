import AgentTools
import Foundation

/// One check of a candidate answer, as `--json` and `--show-tree` report it.
public struct CandidateCheck: Codable, Sendable, Equatable {
    /// What is checked.
    public enum Kind: String, Codable, Sendable {
        /// The run ended by itself, with an answer (no limit, no deadline cut it short).
        case finished
        /// The calculator ran a call without an error.
        case calculated
        /// Every number of the calculator's input is the question's or an earlier result's.
        case grounded
        /// Every operand the question writes was used.
        case operands
        /// The answer holds the calculator's result.
        case resultKept = "result kept"
        /// Every "a op b = c" the answer states holds when recomputed.
        case claims
        /// A page was fetched.
        case fetched
        /// The answer occurs in the fetched page.
        case copied
        /// Plotting code ran and saved a figure.
        case figure
        /// The figure's code holds the question's data and invents none.
        case data
    }

    /// What is checked.
    public var kind: Kind
    /// True when the check held.
    public var holds: Bool
    /// What was found, for a person ("84/3 → 28", "7 not in the question").
    public var note: String

    /// A check's outcome.
    public init(_ kind: Kind, holds: Bool, note: String = "") {
        self.kind = kind
        self.holds = holds
        self.note = note
    }
}

/// The checks of everyday candidates: what can be verified without knowing the
/// answer. A calculation must be grounded in the question's numbers and use all of
/// them, the answer must keep the result, and every arithmetic claim must hold; a
/// page answer must occur in the fetched page; plotting code must run, save a figure
/// and hold the question's data.
public enum CandidateChecks {
    /// Every check of `candidate`, an answer of `kind` to `question`.
    public static func check(_ candidate: AgentAnswer, kind: EverydayKind, question: String) -> [CandidateCheck] {
        let finished = candidate.stoppedBy == nil && !candidate.answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        var checks = [CandidateCheck(.finished, holds: finished, note: candidate.stoppedBy.map { "stopped by \($0)" } ?? (finished ? "" : "no answer"))]
        switch kind {
        case .arithmetic: checks += arithmetic(candidate, question: question)
        case .page: checks += page(candidate)
        case .plot: checks += plot(candidate, question: question)
        }
        return checks
    }

    /// What candidates are compared by in the vote: the calculator's last result (a
    /// number, written canonically), the page answer's words, or one key for every
    /// figure (any verified figure will do). Nil when there is nothing to compare.
    public static func voteKey(_ candidate: AgentAnswer, kind: EverydayKind) -> String? {
        switch kind {
        case .arithmetic:
            let result = candidate.steps.last { $0.tool == "calc" && $0.ok }.flatMap { QuestionFacts.writtenNumbers(in: $0.output).first }
            return (result ?? QuestionFacts.writtenNumbers(in: candidate.answer).last).map(canonicalNumber)
        case .page:
            let words = candidate.answer.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return words.isEmpty ? nil : words
        case .plot:
            return candidate.steps.contains { $0.tool == "python" && $0.ok && !$0.files.isEmpty } ? "a figure" : nil
        }
    }

    /// "28", "28.0" and "028" as "28"; "12.50" as "12.5".
    static func canonicalNumber(_ written: String) -> String {
        guard let value = Double(written) else { return written }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    // MARK: - Arithmetic

    static func arithmetic(_ candidate: AgentAnswer, question: String) -> [CandidateCheck] {
        let calls = candidate.steps.filter { $0.tool == "calc" }
        guard let last = calls.last(where: \.ok) else {
            return [CandidateCheck(.calculated, holds: false, note: calls.isEmpty ? "no calculation" : "the calculation failed")]
        }
        var checks = [CandidateCheck(.calculated, holds: true, note: "\(last.input) → \(last.output)")]
        var grounding = CallGrounding(question: question)
        var invented: [String] = []
        var used: Set<String> = []
        for call in candidate.steps {
            if call.tool == "calc" {
                let numbers = QuestionFacts.writtenNumbers(in: call.input)
                for number in numbers where !QuestionFacts.forms(of: number).contains(where: grounding.numbers.contains) {
                    invented.append(number)
                }
                if call.ok { used.formUnion(numbers.flatMap(QuestionFacts.forms)) }
            }
            if call.ok { grounding.absorb(call.output) }
        }
        checks.append(CandidateCheck(.grounded, holds: invented.isEmpty, note: invented.isEmpty ? "" : "\(listed(invented)) not in the question"))
        let unused = grounding.operands.subtracting(used).sorted()
        checks.append(CandidateCheck(.operands, holds: unused.isEmpty, note: unused.isEmpty ? "" : "\(listed(unused)) unused"))
        if let result = QuestionFacts.writtenNumbers(in: last.output).first {
            let kept = QuestionFacts.writtenNumbers(in: candidate.answer).contains { Double($0) == Double(result) }
            checks.append(CandidateCheck(.resultKept, holds: kept, note: kept ? "" : "the answer drops \(result)"))
        }
        let claims = ArithmeticClaims.check(candidate.answer)
        if !claims.isEmpty {
            let failed = claims.filter { !$0.holds }
            let note = failed.isEmpty
                ? claims.map { "\($0.expression) = \($0.claimed) ✓" }.joined(separator: ", ")
                : failed.map { "\($0.expression) is \($0.computed), not \($0.claimed)" }.joined(separator: ", ")
            checks.append(CandidateCheck(.claims, holds: failed.isEmpty, note: note))
        }
        return checks
    }

    // MARK: - Pages

    static func page(_ candidate: AgentAnswer) -> [CandidateCheck] {
        let pages = candidate.steps.filter { $0.tool == "fetch" && $0.ok }
        guard !pages.isEmpty else { return [CandidateCheck(.fetched, holds: false, note: "no page was read")] }
        let answer = collapsed(candidate.answer).trimmingCharacters(in: CharacterSet(charactersIn: " ."))
        let copied = !answer.isEmpty && pages.contains { collapsed($0.output).contains(answer) }
        return [CandidateCheck(.fetched, holds: true), CandidateCheck(.copied, holds: copied, note: copied ? "" : "not in the page")]
    }

    static func collapsed(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    // MARK: - Figures

    static func plot(_ candidate: AgentAnswer, question: String) -> [CandidateCheck] {
        guard let drawn = candidate.steps.last(where: { $0.tool == "python" && $0.ok && !$0.files.isEmpty }) else {
            let tried = candidate.steps.filter { $0.tool == "python" }.count
            return [CandidateCheck(.figure, holds: false, note: tried == 0 ? "no code ran" : "no figure saved in \(tried) attempt(s)")]
        }
        let problem = PlotDataCheck(question: question).problem(code: drawn.input)
        return [CandidateCheck(.figure, holds: true, note: drawn.files.count == 1 ? "1 figure" : "\(drawn.files.count) figures"),
                CandidateCheck(.data, holds: problem == nil, note: problem ?? "")]
    }

    static func listed(_ numbers: [String]) -> String {
        numbers.count == 1 ? numbers[0] : numbers.dropLast().joined(separator: ", ") + " and " + (numbers.last ?? "")
    }
}
