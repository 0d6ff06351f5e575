/// The choice among checked candidates. A verified greedy candidate answers: the
/// vote is settled at once (on the dev split, samples at temperature 0.8 outvoted a
/// right greedy answer with wrong operations more often than they corrected a wrong
/// one, so deliberate mode does not overrule what fast mode would say when its checks
/// hold). Otherwise each verified sample counts once for its vote key; the key with
/// most votes wins, ties going to the earliest candidate's key. With no verified
/// candidate the greedy one answers.
public struct CandidateVote: Codable, Sendable, Equatable {
    /// Verified candidates by vote key.
    public var tallies: [String: Int]
    /// The winning key (nil when no candidate was verified).
    public var winner: String?
    /// The index of the candidate that answers.
    public var chosen: Int
    /// True when the vote cannot change much more: the greedy candidate is verified,
    /// or the winner has `agreement` votes and more than twice the runner-up's.
    public var settled: Bool
    /// Why the chosen candidate answers, for a person.
    public var reason: String

    /// The vote among `candidates` (in the order written, the greedy one first);
    /// settled once the leader has `agreement` votes and more than twice the next.
    public init(_ candidates: [EverydayCandidate], agreement: Int) {
        let verified = candidates.filter { $0.verified && $0.voteKey != nil }.sorted { $0.index < $1.index }
        var tallies: [String: Int] = [:]
        for candidate in verified { tallies[candidate.voteKey ?? "", default: 0] += 1 }
        self.tallies = tallies
        guard let first = verified.first else {
            winner = nil
            chosen = candidates.map(\.index).min() ?? 0
            settled = false
            reason = candidates.isEmpty ? "no candidate finished" : "no candidate verified: the greedy one answers"
            return
        }
        if first.index == 0 {
            winner = first.voteKey
            chosen = 0
            settled = true
            reason = "the greedy candidate is verified"
            return
        }
        let top = tallies.values.max() ?? 0
        // Ties go to the earliest candidate's key.
        let leader = verified.first { tallies[$0.voteKey ?? ""] == top } ?? first
        winner = leader.voteKey
        chosen = leader.index
        let runnerUp = tallies.filter { $0.key != leader.voteKey }.values.max() ?? 0
        settled = top >= agreement && top > 2 * runnerUp
        let of = "\(top) of \(verified.count) verified"
        reason = runnerUp == top ? "\(of) (a tie, to the earliest)" : "\(of) agree"
    }
}
