/// A candidate as `ask --json` reports it under `tree.candidates`.
public struct CandidateReport: Codable, Sendable, Equatable {
    /// 0 is the greedy run.
    public var index: Int
    /// Its sampling temperature (0: greedy).
    public var temperature: Double
    /// Its sampler's seed.
    public var seed: UInt64
    /// What it answered.
    public var answer: String
    /// Its tool calls, one line each (`calc(84/3) → 28`).
    public var calls: [String]
    /// Its checks.
    public var checks: [CandidateCheck]
    /// True when every check held.
    public var verified: Bool
    /// What the vote compared it by.
    public var key: String?
    /// Seconds its run took.
    public var seconds: Double

    /// The report of `candidate`.
    public init(_ candidate: EverydayCandidate) {
        index = candidate.index
        temperature = candidate.temperature
        seed = candidate.seed
        answer = candidate.answer.answer
        calls = candidate.answer.steps.map(\.summary)
        checks = candidate.checks
        verified = candidate.verified
        key = candidate.voteKey
        seconds = candidate.answer.seconds
    }
}
