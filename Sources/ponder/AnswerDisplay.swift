import Agent
import Foundation
import Synchronization

/// Shows a planner's work in a terminal: answer text on standard output as it is
/// written, each tool call on one dim line of standard error.
final class AnswerDisplay: Sendable {
    private let dim = isatty(STDERR_FILENO) != 0
    /// Whether the answer line on standard output is open (needs a newline).
    private let lineOpen = Mutex(false)
    private let wroteAnswer = Mutex(false)

    func show(_ event: PlannerEvent) {
        switch event {
        case .text(let text):
            var piece = text
            wroteAnswer.withLock { wrote in
                // The answer starts at its first visible character.
                if !wrote { piece = String(piece.drop { $0.isWhitespace }) }
                if !piece.isEmpty { wrote = true }
            }
            guard !piece.isEmpty else { return }
            FileHandle.standardOutput.write(Data(piece.utf8))
            lineOpen.withLock { $0 = !piece.hasSuffix("\n") }
        case .toolStarted:
            break
        case .toolFinished(let step):
            endLine()
            note((step.ok ? "· " : "· ✗ ") + step.summary)
        }
    }

    /// Ends the output: a newline after the answer, and why it stopped early if it did.
    func finish(_ answer: AgentAnswer) {
        if !wroteAnswer.withLock({ $0 }), !answer.answer.isEmpty {
            // The model wrote nothing after its last tool: the result is the answer.
            FileHandle.standardOutput.write(Data(answer.answer.utf8))
            lineOpen.withLock { $0 = true }
        }
        endLine()
        for file in answer.files { note("· saved \(file)") }
        if let stoppedBy = answer.stoppedBy {
            note("(stopped by \(stoppedBy): this is the best answer so far)")
        }
    }

    private func endLine() {
        let open = lineOpen.withLock { open in
            defer { open = false }
            return open
        }
        if open { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }

    private func note(_ line: String) {
        FileHandleOutput.writeToStandardError(dim ? "\u{1B}[2m\(line)\u{1B}[0m\n" : line + "\n")
    }
}
