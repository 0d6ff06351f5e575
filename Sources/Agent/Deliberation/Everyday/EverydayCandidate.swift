import AgentTools

/// One run of the grounded fast path, as deliberate mode sampled and checked it.
public struct EverydayCandidate: Sendable {
    /// 0 is the greedy run (what fast mode answers); the others are sampled.
    public var index: Int
    /// The sampling temperature of the run (0: greedy).
    public var temperature: Double
    /// The sampler's seed.
    public var seed: UInt64
    /// What the run answered, with its tool calls.
    public var answer: AgentAnswer
    /// What the checks found.
    public var checks: [CandidateCheck]
    /// What the vote compares it by (nil: nothing to compare).
    public var voteKey: String?

    /// A candidate run, checked as `kind` for `question`.
    public init(index: Int, temperature: Double, seed: UInt64, answer: AgentAnswer, kind: EverydayKind, question: String) {
        self.index = index
        self.temperature = temperature
        self.seed = seed
        self.answer = answer
        checks = CandidateChecks.check(answer, kind: kind, question: question)
        voteKey = CandidateChecks.voteKey(answer, kind: kind)
    }

    /// True when every check held.
    public var verified: Bool { checks.allSatisfy(\.holds) }

    /// The checks that failed, as one line ("grounded: 7 not in the question").
    public var failures: String {
        checks.filter { !$0.holds }.map { $0.note.isEmpty ? $0.kind.rawValue : "\($0.kind.rawValue): \($0.note)" }.joined(separator: "; ")
    }

    /// One line for a person: the last call of the candidate's tool and its result,
    /// then ✓ or ✗ ("calc 84/3 → 28 ✓").
    public var summary: String {
        let call = answer.steps.last { $0.ok } ?? answer.steps.last
        let what = call.map { Self.shortened("\($0.tool) \($0.input)") + " → " + Self.shortened(Self.firstLine($0.output)) }
            ?? "answer " + Self.shortened(answer.answer)
        return what + (verified ? " ✓" : " ✗")
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", maxSplits: 1).first ?? "")
    }

    static func shortened(_ text: String, to length: Int = 48) -> String {
        let line = text.replacingOccurrences(of: "\n", with: "⏎")
        return line.count > length ? String(line.prefix(length - 1)) + "…" : line
    }
}
