import Foundation

/// The progress display of a run: one line per step with the step, the loss, the latest
/// validation loss, tokens/s and the time left; as a bar redrawn in place on a terminal,
/// as plain lines otherwise (a log file, a pipe).
public struct TrainingProgress: Sendable {
    /// Steps of the whole run.
    public let totalSteps: Int
    /// Whether lines redraw one bar in place (a terminal) or follow each other.
    public let redraws: Bool
    /// Width of the bar in characters.
    public static let barWidth = 24

    private var firstStep = 1
    private var secondsThisRun = 0.0
    private var validationLoss: Double?

    /// A display for a run of `totalSteps` steps.
    public init(totalSteps: Int, redraws: Bool) {
        self.totalSteps = totalSteps
        self.redraws = redraws
    }

    /// What to print for `event` (nil: nothing), given the seconds since the run (or
    /// its resumption) started.
    public mutating func text(for event: TrainingEvent, elapsed: Double) -> String? {
        switch event {
        case .started(let first, let total):
            firstStep = first
            return first > 1 ? "resuming at step \(first) of \(total)\n" : nil
        case .validation(let record):
            validationLoss = record.loss
            return redraws ? nil : "validation loss \(Self.format(record.loss)) after step \(record.step)\n"
        case .checkpointSaved(let step):
            return (redraws ? "\r\u{1B}[2K" : "") + "checkpoint saved after step \(step)\n"
        case .step(let record):
            secondsThisRun = elapsed
            let line = line(for: record)
            return redraws ? "\r\u{1B}[2K" + line + (record.step == totalSteps ? "\n" : "") : line + "\n"
        }
    }

    /// The line for a finished step.
    func line(for record: StepRecord) -> String {
        let stepsThisRun = record.step - firstStep + 1
        let perStep = stepsThisRun > 0 ? secondsThisRun / Double(stepsThisRun) : 0
        let left = Self.duration(perStep * Double(totalSteps - record.step))
        let width = String(totalSteps).count
        var parts = ["step \(String(repeating: " ", count: max(0, width - String(record.step).count)))\(record.step)/\(totalSteps)"]
        if redraws { parts.append(bar(done: record.step)) }
        parts.append("loss \(Self.format(record.loss))")
        if let validationLoss { parts.append("val \(Self.format(validationLoss))") }
        if !redraws { parts.append("lr \(String(format: "%.2e", record.learningRate))") }
        parts.append("\(Int(record.tokensPerSecond.rounded())) tok/s")
        parts.append(record.step == totalSteps ? "done in \(Self.duration(secondsThisRun))" : "\(left) left")
        return parts.joined(separator: "  ")
    }

    /// `[██████······]` for `done` of the steps.
    func bar(done: Int) -> String {
        let filled = totalSteps > 0 ? min(Self.barWidth, done * Self.barWidth / totalSteps) : 0
        return "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: Self.barWidth - filled) + "]"
    }

    /// A loss with four decimals.
    static func format(_ loss: Double) -> String { String(format: "%.4f", loss) }

    /// "42s", "3m07s", "2h05m".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" + String(format: "%02ds", total % 60) }
        return "\(total / 3600)h" + String(format: "%02dm", total % 3600 / 60)
    }
}
