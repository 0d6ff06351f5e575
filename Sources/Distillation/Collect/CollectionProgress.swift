import AgentTools
import Foundation

/// The progress display of a collection: a bar redrawn in place on a terminal (items
/// done, kept so far, the item running), plain lines otherwise (one per item and its
/// outcome, for a log file or a pipe).
public struct CollectionProgress: Sendable {
    /// Whether lines redraw one bar in place (a terminal) or follow each other.
    public let redraws: Bool
    /// Width of the bar in characters.
    public static let barWidth = 24

    private var total = 0
    private var done = 0
    private var kept = 0
    private var started: ContinuousClock.Instant?

    /// A display that redraws in place when `redraws`.
    public init(redraws: Bool) {
        self.redraws = redraws
    }

    /// What to print for `event` (nil: nothing).
    public mutating func text(for event: CollectionEvent, now: ContinuousClock.Instant = .now) -> String? {
        switch event {
        case .started(let total):
            self.total = total
            started = now
            return redraws ? nil : "collecting traces for \(total) items\n"
        case .trying(_, let item):
            return redraws ? "\r\u{1B}[2K" + line(running: item.id, now: now) : nil
        case .finished(let index, let item, let outcome):
            done = index + 1
            if case .kept(let traces) = outcome { kept += traces.count }
            if redraws { return "\r\u{1B}[2K" + line(running: nil, now: now) + (done == total ? "\n" : "") }
            return "[\(done)/\(total)] \(item.id) (\(item.kind.rawValue), \(item.template)): \(Self.describe(outcome))\n"
        case .summary:
            return redraws && done < total ? "\n" : nil
        }
    }

    /// `12/40 [██████··········]  kept 9  arithmetic-13  2m 10s left`.
    func line(running: String?, now: ContinuousClock.Instant) -> String {
        let filled = total == 0 ? 0 : Self.barWidth * done / total
        var parts = ["\(done)/\(total)", "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: Self.barWidth - filled) + "]", "kept \(kept)"]
        if let running { parts.append(running) }
        if let started, done > 0, done < total {
            let perItem = (now - started).inSeconds / Double(done)
            parts.append(Self.duration(perItem * Double(total - done)) + " left")
        }
        return parts.joined(separator: "  ")
    }

    /// "kept", "rejected: the answer does not state the expected number", …
    static func describe(_ outcome: CollectionOutcome) -> String {
        switch outcome {
        case .kept(let traces): traces.count == 1 ? "kept" : "kept \(traces.count) traces"
        case .dropped(let admission): "verified, not kept (\(admission.rawValue))"
        case .rejected(let reason): "rejected: \(reason)"
        case .skipped: "skipped (its kind has its cap)"
        }
    }

    /// "42s", "3m 05s", "1h 02m".
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return String(format: "%dm %02ds", whole / 60, whole % 60) }
        return String(format: "%dh %02dm", whole / 3600, whole / 60 % 60)
    }
}

