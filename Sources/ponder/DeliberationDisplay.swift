import Agent
import AgentTools
import Foundation
import Synchronization

/// The live progress line of deliberate mode, on standard error: rewritten in
/// place on a terminal (at most ten times a second), a plain line every five
/// seconds otherwise.
///
///     thinking 12.4/30 s · 57 thoughts, 14 expanded · best 0.82 · depth 3 · 2 answers
final class DeliberationDisplay: Sendable {
    private let terminal = isatty(STDERR_FILENO) != 0
    private let lastShown = Mutex<ContinuousClock.Instant?>(nil)
    private let shownOnce = Mutex(false)

    func show(_ progress: DeliberationProgress) {
        let now = ContinuousClock.now
        let interval: Duration = terminal ? .milliseconds(100) : .seconds(5)
        let due = lastShown.withLock { last in
            if let last, now - last < interval { return false }
            last = now
            return true
        }
        guard due else { return }
        shownOnce.withLock { $0 = true }
        let line = Self.line(progress)
        FileHandleOutput.writeToStandardError(terminal ? "\r\u{1B}[2K\u{1B}[2m\(line)\u{1B}[0m" : line + "\n")
    }

    /// Clears the progress line (on a terminal) before the answer is printed.
    func finish() {
        if terminal, shownOnce.withLock({ $0 }) { FileHandleOutput.writeToStandardError("\r\u{1B}[2K") }
    }

    /// "1 thought", "2 thoughts".
    static func counted(_ count: Int, _ noun: String) -> String {
        count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
    }

    /// "30" or "2.5".
    static func seconds(_ duration: Duration) -> String {
        String(format: "%g", duration.inSeconds)
    }

    static func line(_ progress: DeliberationProgress) -> String {
        let elapsed = String(format: "%.1f", progress.elapsed.inSeconds)
        let budget = seconds(progress.budget)
        if let activity = progress.activity, activity.hasPrefix(candidatePrefix) {
            // An everyday question: what the last candidate did, and how many were verified.
            return "thinking \(elapsed)/\(budget) s · \(activity) · \(progress.answers) of \(counted(progress.thoughts, "candidate")) verified"
        }
        let trying = progress.activity.map { " · \($0)" } ?? ""
        return "thinking \(elapsed)/\(budget) s · \(counted(progress.thoughts, "thought")), \(progress.expanded) expanded · "
            + "best \(String(format: "%.2f", progress.bestScore)) · depth \(progress.depth) · \(counted(progress.answers, "answer"))" + trying
    }

    /// How the progress of an everyday search names what it tried ("candidate 3/24: …").
    static let candidatePrefix = "candidate "

    /// One line after the search: how it went.
    static func summary(_ answer: AgentAnswer) -> String? {
        guard let report = answer.deliberation else { return nil }
        if let candidates = report.candidates, let vote = report.vote {
            let verified = candidates.filter(\.verified).count
            return "thought for \(String(format: "%.1f", answer.seconds)) s (\(report.task)): \(counted(candidates.count, "candidate")), "
                + "\(verified) verified — \(vote.reason)\(vote.settled ? ", settled" : "")"
        }
        let how = report.verified ? "verified" : answer.stoppedBy == nil ? "finished" : "best so far"
        return "thought for \(String(format: "%.1f", answer.seconds)) s (\(report.task)): \(counted(report.nodes.count - 1, "thought")), "
            + "\(report.expanded) expanded — \(how)"
    }
}
