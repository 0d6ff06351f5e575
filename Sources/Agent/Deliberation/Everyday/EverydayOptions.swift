/// How deliberate mode samples, checks and votes among candidates of the fast path.
public struct EverydayOptions: Sendable {
    /// Candidates written together in the first round: the greedy one and samples.
    /// Three, so that an easy question can settle in one round (three verified agree).
    public var firstRound: Int
    /// Candidates written together in each later round. Four: on two cores batched
    /// decoding gains little beyond that (2.77× throughput at 4 sequences, 3.33× at 8).
    public var roundSize: Int
    /// At most this many candidates in all.
    public var maximumCandidates: Int
    /// The sampling temperature of every candidate but the greedy one: high enough
    /// that samples choose another operation, passage or line of code.
    public var temperature: Double
    /// The vote is settled when the leader has this many verified candidates and more
    /// than twice the runner-up's (figures: one verified figure settles it).
    public var agreement: Int
    /// A later round starts only when this share of the last round's time is left:
    /// a round cut short by the deadline gives no finished candidates.
    public var roundTimeShare: Double
    /// How long past the deadline the search waits for a round before it answers with
    /// the candidates that finished (a guard: every run watches the deadline itself).
    public var grace: Duration

    /// Options; by default a first round of 3, rounds of 4, at most 24 candidates.
    public init(
        firstRound: Int = 3, roundSize: Int = 4, maximumCandidates: Int = 24, temperature: Double = 0.8, agreement: Int = 3,
        roundTimeShare: Double = 0.7, grace: Duration = .milliseconds(400)
    ) {
        self.firstRound = firstRound
        self.roundSize = roundSize
        self.maximumCandidates = maximumCandidates
        self.temperature = temperature
        self.agreement = agreement
        self.roundTimeShare = roundTimeShare
        self.grace = grace
    }

    /// The agreement that settles a vote on `kind`: any verified figure will do.
    func agreement(for kind: EverydayKind) -> Int {
        kind == .plot ? 1 : agreement
    }
}
