/// What a collection did, per kind: items tried, verified, kept, and why the others
/// were not (one count per item: the reason of its greedy run).
public struct CollectionSummary: Sendable, Equatable {
    /// The counts of one kind.
    public struct Tally: Codable, Sendable, Equatable {
        /// Items run.
        public var tried = 0
        /// Items with a verified trace (greedy or sampled).
        public var verified = 0
        /// Verified only by a sampled run (greedy failed).
        public var verifiedBySampling = 0
        /// Traces written to the file.
        public var kept = 0
        /// Verified traces dropped as duplicates.
        public var duplicates = 0
        /// Verified traces dropped by the per-kind cap.
        public var overCap = 0
        /// Items not verified, by the label of their greedy run's rejection.
        public var rejections: [String: Int] = [:]

        /// Empty counts.
        public init() {}

        /// Verified over tried, 0 when nothing was tried.
        public var verifiedRate: Double { tried == 0 ? 0 : Double(verified) / Double(tried) }
    }

    /// The counts by kind, in the order kinds were first tried.
    public private(set) var kinds: [CurriculumItem.Kind] = []
    /// The counts of each kind.
    public private(set) var tallies: [CurriculumItem.Kind: Tally] = [:]
    /// Notes for the reader (kinds skipped and why).
    public var notes: [String] = []

    /// No counts yet.
    public init() {}

    /// Changes the tally of `kind` (created on first use).
    public mutating func update(_ kind: CurriculumItem.Kind, _ change: (inout Tally) -> Void) {
        if tallies[kind] == nil {
            kinds.append(kind)
            tallies[kind] = Tally()
        }
        change(&tallies[kind, default: Tally()])
    }

    /// The sums over every kind.
    public var total: Tally {
        tallies.values.reduce(into: Tally()) { sum, tally in
            sum.tried += tally.tried
            sum.verified += tally.verified
            sum.verifiedBySampling += tally.verifiedBySampling
            sum.kept += tally.kept
            sum.duplicates += tally.duplicates
            sum.overCap += tally.overCap
            sum.rejections.merge(tally.rejections, uniquingKeysWith: +)
        }
    }

    /// A Markdown table: one row per kind and a total, the rejections in the last column.
    public var table: String {
        var lines = ["| kind | tried | verified | rate | kept | duplicate | over cap | rejected by reason |", "|---|---:|---:|---:|---:|---:|---:|---|"]
        func row(_ name: String, _ tally: Tally) -> String {
            let reasons = tally.rejections.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let rate = tally.tried == 0 ? "–" : "\(Int((tally.verifiedRate * 100).rounded()))%"
            let sampled = tally.verifiedBySampling > 0 ? " (\(tally.verifiedBySampling) sampled)" : ""
            return "| \(name) | \(tally.tried) | \(tally.verified)\(sampled) | \(rate) | \(tally.kept) | \(tally.duplicates) | \(tally.overCap) | \(reasons.isEmpty ? "–" : reasons) |"
        }
        for kind in kinds { lines.append(row(kind.rawValue, tallies[kind] ?? Tally())) }
        lines.append(row("total", total))
        return (lines + notes.map { "- " + $0 }).joined(separator: "\n")
    }
}

extension CollectionSummary: Encodable {
    private enum CodingKeys: String, CodingKey { case kinds, total, notes }
    private struct Row: Encodable {
        let kind: String
        let tally: Tally
        func encode(to encoder: any Encoder) throws {
            try tally.encode(to: encoder)
            var container = encoder.container(keyedBy: RowKey.self)
            try container.encode(kind, forKey: .kind)
        }
        enum RowKey: String, CodingKey { case kind }
    }

    /// `{"kinds": [{"kind", "tried", "verified", …}], "total": {…}, "notes": […]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kinds.map { Row(kind: $0.rawValue, tally: tallies[$0] ?? Tally()) }, forKey: .kinds)
        try container.encode(total, forKey: .total)
        try container.encode(notes, forKey: .notes)
    }
}
