import AgentTools
import Foundation

extension SearchState {
    /// Finished answers by vote key: how many and their summed scores.
    func tally() -> [String: (count: Int, weight: Double, best: Int)] {
        var groups: [String: (count: Int, weight: Double, best: Int)] = [:]
        for node in tree.nodes where node.answer != nil && node.verified != false {
            let key = task.voteKey(for: node.answer ?? "")
            let weight = max(node.score, 0.05)
            if let group = groups[key] {
                let best = node.score > tree.nodes[group.best].score ? node.id : group.best
                groups[key] = (group.count + 1, group.weight + weight, best)
            } else {
                groups[key] = (1, weight, node.id)
            }
        }
        return groups
    }

    /// Enough finished answers agree, and they outweigh the others two to one.
    func agreement() -> Bool {
        let groups = tally()
        guard let top = groups.values.max(by: { $0.weight < $1.weight }), top.count >= options.agreement else { return false }
        let others = groups.values.reduce(0) { $0 + $1.weight } - top.weight
        return top.weight >= 2 * others
    }

    var progress: DeliberationProgress {
        DeliberationProgress(
            elapsed: now - started, budget: options.budget, expanded: expansions.values.reduce(0, +), thoughts: tree.nodes.count - 1,
            bestScore: tree.nodes.dropFirst().map(\.score).max() ?? 0, depth: tree.nodes.map(\.depth).max() ?? 0,
            answers: tree.nodes.filter { $0.answer != nil && $0.verified != false }.count)
    }

    mutating func conclude() async throws -> DeliberationResult {
        // Past the deadline, the engine may still be busy with a call the search left
        // behind: the token counts are waited for briefly, all together.
        let grace = Deadline.after(Self.usageGrace)
        for session in sessions.values { await letGo(session, grace: grace) }
        if let base = valueSession { await letGo(base, grace: grace) }
        sessions = [:]
        let groups = tally()
        var chosen: Int
        var finished = true
        if let solution {
            chosen = solution
        } else if let winner = groups.values.max(by: { ($0.weight, -$0.best) < ($1.weight, -$1.best) }) {
            chosen = winner.best
        } else {
            // No answer yet: the most promising live state, deepest first among equals.
            finished = false
            let live = tree.nodes.dropFirst().filter { $0.verified != false }.map(\.id)
            chosen = live.sorted(by: better).first ?? 0
        }
        var stoppedBy: StopReason?
        if solution == nil, !agreed {
            if deadline.isStopped {
                stoppedBy = .stopRequest
            } else if deadline.timeIsUp {
                stoppedBy = .budget(options.budget)
            }
        }
        let path = tree.path(to: chosen)
        return DeliberationResult(
            answer: task.answer(from: path, finished: finished), path: tree.pathIDs(to: chosen), tree: tree, solved: solution != nil,
            finished: finished, votes: groups.mapValues(\.weight), stoppedBy: stoppedBy, steps: path.flatMap(\.steps),
            tokens: spent.sum, expanded: expansions.values.reduce(0, +), seconds: (now - started).inSeconds,
            proposer: options.proposer, valueNote: valueUse.note)
    }
}
