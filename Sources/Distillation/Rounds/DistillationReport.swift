import Foundation
import Training

/// What each round of `ponder distill run` collected, trained and scored: the report
/// written beside the rounds (JSON, a Markdown table, a PNG of accuracy by round).
public struct DistillationReport: Codable, Sendable, Equatable {
    /// One round: round 0 is the starting model, measured before any training.
    public struct Round: Codable, Sendable, Equatable {
        /// 0 for the starting model, then 1, 2, …
        public var round: Int
        /// Traces this round's collection kept, by kind (none for round 0).
        public var traces: [String: Int]
        /// Conversations the round's adapter was trained on (all rounds' traces so far).
        public var trainedOn: Int
        /// The adapter the round produced (nil for round 0).
        public var adapter: String?
        /// The dev-split score of the round's model.
        public var evaluation: EvaluationTally

        /// A round's record.
        public init(round: Int, traces: [String: Int], trainedOn: Int, adapter: String?, evaluation: EvaluationTally) {
            self.round = round
            self.traces = traces
            self.trainedOn = trainedOn
            self.adapter = adapter
            self.evaluation = evaluation
        }

        enum CodingKeys: String, CodingKey {
            case round, traces, adapter, evaluation
            case trainedOn = "trained_on"
        }
    }

    /// The rounds so far, in order.
    public var rounds: [Round]
    /// The command that made the report.
    public var command: String

    /// A report of `rounds` made by `command`.
    public init(rounds: [Round], command: String) {
        self.rounds = rounds
        self.command = command
    }

    /// The sets measured in any round, sorted.
    var setNames: [String] { Array(Set(rounds.flatMap { $0.evaluation.sets.keys })).sorted() }
    /// The set/kind groups measured in any round, sorted.
    var kindNames: [String] { Array(Set(rounds.flatMap { $0.evaluation.kinds.keys })).sorted() }

    /// Accuracy by round: one row per round, one column per set; then per kind.
    public var markdown: String {
        func cell(_ count: EvaluationTally.Count?) -> String {
            guard let count, count.total > 0 else { return "—" }
            return String(format: "%.1f%% (%d/%d)", count.accuracy * 100, count.correct, count.total)
        }
        var lines = ["Command: `\(command)`", ""]
        lines.append("| round | traces | trained on | " + setNames.joined(separator: " | ") + " |")
        lines.append("|---:|---:|---:|" + String(repeating: "---:|", count: setNames.count))
        for round in rounds {
            let traces = round.traces.values.reduce(0, +)
            lines.append("| \(round.round) | \(traces) | \(round.trainedOn) | "
                + setNames.map { cell(round.evaluation.sets[$0]) }.joined(separator: " | ") + " |")
        }
        lines += ["", "| kind | " + rounds.map { "round \($0.round)" }.joined(separator: " | ") + " |"]
        lines.append("|---|" + String(repeating: "---:|", count: rounds.count))
        for kind in kindNames {
            lines.append("| \(kind) | " + rounds.map { cell($0.evaluation.kinds[kind]) }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Accuracy (%) of each set by round, as a PNG.
    public func png() -> Data {
        let series = setNames.map { set in
            LineChart.Series(
                label: set,
                points: rounds.compactMap { round in
                    round.evaluation.sets[set].map { (x: Double(round.round), y: $0.accuracy * 100) }
                },
                dots: true)
        }
        return LineChart(series: series, xLabel: "round", yLabel: "dev accuracy %", yRange: 0...100).png()
    }
}
