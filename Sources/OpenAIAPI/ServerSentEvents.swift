/// Server-sent events as the OpenAI API streams them: `data: {json}` lines, a blank
/// line after each event, and `data: [DONE]` at the end.
public enum ServerSentEvents {
    /// The marker of the last event.
    public static let done = "[DONE]"

    /// One event carrying `data` (a single line of JSON).
    public static func event(_ data: String) -> String {
        "data: \(data)\n\n"
    }

    /// A comment line: clients ignore it; a server uses it to notice a client that left.
    public static let keepAlive = ": keep-alive\n\n"
}

/// Splits a stream of server-sent event text into the events' data, whatever the
/// chunk boundaries: feed it what arrives, take the complete events' data.
public struct ServerSentEventParser: Sendable {
    private var buffer: [UInt8] = []
    private var data: [String] = []

    /// A parser that has read nothing yet.
    public init() {}

    /// Adds received bytes; returns the data of each event now complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        buffer.append(contentsOf: bytes)
        var events: [String] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(buffer[..<newline])
            buffer.removeSubrange(...newline)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if line.isEmpty {
                if !data.isEmpty { events.append(data.joined(separator: "\n")) }
                data = []
                continue
            }
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix(":") { continue }
            if text.hasPrefix("data:") {
                var value = text.dropFirst(5)
                if value.first == " " { value = value.dropFirst() }
                data.append(String(value))
            }
            // Other fields (event:, id:, retry:) carry nothing the API uses.
        }
        return events
    }

    /// The data of an event left without its blank line when the stream ended.
    public mutating func finish() -> [String] {
        var events = feed(Array("\n\n".utf8))
        if !buffer.isEmpty {
            events += feed(Array("\n\n".utf8))
        }
        return events
    }
}
