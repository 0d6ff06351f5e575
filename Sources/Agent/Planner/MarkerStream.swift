import AgentTools
import Foundation
import Synchronization

/// The bridge between a streaming generation and the marker parser: each piece of
/// text the model writes is parsed at once, answer text is passed on for display,
/// and generation is told to stop when a call is complete, time is up or a stop
/// was requested.
final class MarkerStream: Sendable {
    private struct State {
        var parser: MarkerStreamParser
        var events: [MarkerStreamParser.Event] = []
        var loop = LoopDetector()
        /// How many characters were fed.
        var fedCount = 0
    }

    private let state: Mutex<State>
    private let deadline: Deadline
    private let onEvent: @Sendable (AssistantEvent) -> Void

    init(
        parser: MarkerStreamParser, deadline: Deadline, onEvent: @escaping @Sendable (AssistantEvent) -> Void
    ) {
        state = Mutex(State(parser: parser))
        self.deadline = deadline
        self.onEvent = onEvent
    }

    /// Parses `chunk`; false asks the model to stop.
    func feed(_ chunk: String) -> Bool {
        let (events, looping) = state.withLock { state in
            let events = state.parser.feed(chunk)
            state.events += events
            state.fedCount += chunk.count
            return (events, state.loop.isLooping(after: chunk))
        }
        for event in events { Self.forward(event, to: onEvent) }
        let callWritten = events.contains { event in
            switch event {
            case .call, .malformedCall, .inventedResult: true
            default: false
            }
        }
        return !callWritten && !looping && !deadline.isPast
    }

    /// The parser as the generation left it, and the events it produced.
    /// How many characters of the generated text were fed; text held back as the
    /// possible start of a stop string is not, when another stop string ended it.
    var fedCount: Int { state.withLock { $0.fedCount } }

    func take() -> (MarkerStreamParser, [MarkerStreamParser.Event]) {
        state.withLock { ($0.parser, $0.events) }
    }

    /// Passes on what a live display shows: the answer's text (a call is reported
    /// when it runs, with its input).
    static func forward(_ event: MarkerStreamParser.Event, to onEvent: @Sendable (AssistantEvent) -> Void) {
        if case .text(let text) = event { onEvent(.text(text)) }
    }
}

/// Notices a model stuck repeating itself: the same non-empty line several times
/// in a row. Small models fall into such loops after a confusing result.
struct LoopDetector {
    static let repeats = 4
    private var currentLine = ""
    private var lastLine = ""
    private var count = 0

    mutating func isLooping(after chunk: String) -> Bool {
        for character in chunk {
            guard character == "\n" else {
                currentLine.append(character)
                continue
            }
            let line = currentLine.trimmingCharacters(in: .whitespaces)
            currentLine = ""
            guard !line.isEmpty else { continue }
            count = line == lastLine ? count + 1 : 1
            lastLine = line
            if count >= Self.repeats { return true }
        }
        return false
    }
}
