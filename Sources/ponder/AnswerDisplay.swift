import Agent
import Foundation
import Synchronization

/// Shows an assistant's events in a terminal: answer text on standard output as it
/// is written, each tool call on one dim line of standard error, a search's
/// progress line on standard error.
final class AnswerDisplay: Sendable {
    private let dim = isatty(STDERR_FILENO) != 0
    /// False for `ask --json`: only the progress line shows (the object goes to standard output).
    private let writesAnswer: Bool
    private let progress = DeliberationDisplay()
    /// Whether the answer line on standard output is open (needs a newline).
    private let lineOpen = Mutex(false)
    private let wroteAnswer = Mutex(false)

    init(writesAnswer: Bool = true) {
        self.writesAnswer = writesAnswer
    }

    /// Reads `events` to their end, showing them; the answer, or nil when the stream
    /// ended without one (the reading task was cancelled).
    func show(_ events: AsyncThrowingStream<AssistantEvent, any Error>) async throws -> AgentAnswer? {
        var answer: AgentAnswer?
        for try await event in events {
            if case .answer(let final) = event { answer = final }
            show(event)
        }
        return answer
    }

    func show(_ event: AssistantEvent) {
        switch event {
        case .progress(let state):
            progress.show(state)
        case .answer:
            progress.finish()
        case .text(let text) where writesAnswer:
            var piece = text
            wroteAnswer.withLock { wrote in
                // The answer starts at its first visible character.
                if !wrote { piece = String(piece.drop { $0.isWhitespace }) }
                if !piece.isEmpty { wrote = true }
            }
            guard !piece.isEmpty else { return }
            FileHandle.standardOutput.write(Data(piece.utf8))
            lineOpen.withLock { $0 = !piece.hasSuffix("\n") }
        case .toolResult(let step) where writesAnswer:
            endLine()
            note((step.ok ? "· " : "· ✗ ") + step.summary)
        case .text, .toolResult, .toolStarted, .stopped:
            break
        }
    }

    /// Ends the output: a newline after the answer, and why it stopped early if it did.
    func finish(_ answer: AgentAnswer) {
        guard writesAnswer else { return }
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
