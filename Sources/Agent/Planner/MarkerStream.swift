import Synchronization

/// The bridge between a streaming generation and the marker parser: each piece of
/// text the model writes is parsed at once, answer text is passed on for display,
/// and generation is told to stop when a call is complete or time is up.
final class MarkerStream: Sendable {
    private struct State {
        var parser: MarkerStreamParser
        var events: [MarkerStreamParser.Event] = []
    }

    private let state: Mutex<State>
    private let deadline: ContinuousClock.Instant
    private let onEvent: @Sendable (PlannerEvent) -> Void

    init(parser: MarkerStreamParser, deadline: ContinuousClock.Instant, onEvent: @escaping @Sendable (PlannerEvent) -> Void) {
        state = Mutex(State(parser: parser))
        self.deadline = deadline
        self.onEvent = onEvent
    }

    /// Parses `chunk`; false asks the model to stop.
    func feed(_ chunk: String) -> Bool {
        let events = state.withLock { state in
            let events = state.parser.feed(chunk)
            state.events += events
            return events
        }
        for event in events { Self.forward(event, to: onEvent) }
        let callWritten = events.contains { event in
            switch event {
            case .call, .malformedCall, .inventedResult: true
            default: false
            }
        }
        return !callWritten && ContinuousClock.now < deadline
    }

    /// The parser as the generation left it, and the events it produced.
    func take() -> (MarkerStreamParser, [MarkerStreamParser.Event]) {
        state.withLock { ($0.parser, $0.events) }
    }

    /// Passes on what a live display shows.
    static func forward(_ event: MarkerStreamParser.Event, to onEvent: @Sendable (PlannerEvent) -> Void) {
        switch event {
        case .text(let text): onEvent(.text(text))
        case .opened(let tool): onEvent(.toolStarted(tool))
        default: break
        }
    }
}
