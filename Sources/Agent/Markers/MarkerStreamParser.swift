/// Reads a model's output as it streams and separates what a person should see
/// from the tool calls inside it.
///
/// Text that might be the start of a marker ("<", "<ca", "<calc") is held back
/// until it is clearly not one, so a marker never reaches the screen, not even in
/// part. Small models' slips are tolerated: whitespace and a Markdown code fence
/// inside a marker are removed, and a marker left open when the model stops is
/// still a call (`closed == false`).
public struct MarkerStreamParser: Sendable {
    /// What the parser recognised in the text fed so far.
    public enum Event: Sendable, Equatable {
        /// Text to show.
        case text(String)
        /// An opening marker for `tool` was written; its content follows.
        case opened(tool: String)
        /// A complete call.
        case call(ToolCall)
        /// A Hermes call whose JSON could not be read (the raw text).
        case malformedCall(String)
        /// The model began writing a result itself instead of waiting for the tool.
        case inventedResult
    }

    /// The format whose markers this parser reads.
    public let format: ToolCallFormat
    /// Opening marker → tool name (for Hermes, a single marker for every tool).
    private let openings: [(marker: String, tool: String)]
    private var buffer = ""
    /// The tool whose marker is open, if any.
    public private(set) var openTool: String?
    /// Set once the model started a result of its own; everything after is ignored.
    private var stopped = false

    /// The one marker name of the Hermes format, under which its calls are reported.
    static let hermesMarkerName = HermesToolCall.markerName

    /// A parser for calls to `tools` (marker names such as "calc") in `format`.
    public init(format: ToolCallFormat, tools: [String]) {
        self.format = format
        switch format {
        case .inline: openings = tools.map { (format.opening(for: $0), $0) }
        case .hermes: openings = [(format.opening(for: Self.hermesMarkerName), Self.hermesMarkerName)]
        }
    }

    /// Every opening marker this parser recognises.
    public var openingMarkers: [String] { openings.map(\.marker) }

    /// Feeds the next piece of output; returns what became certain.
    public mutating func feed(_ chunk: String) -> [Event] {
        guard !stopped else { return [] }
        buffer += chunk
        var events: [Event] = []
        while !stopped {
            if let tool = openTool {
                let closing = format.closing(for: tool)
                guard let range = buffer.range(of: closing) else { break }
                events.append(completedCall(tool: tool, content: String(buffer[..<range.lowerBound]), closed: true))
                buffer = String(buffer[range.upperBound...])
                openTool = nil
                continue
            }
            if let (range, tool) = firstOpening() {
                let before = String(buffer[..<range.lowerBound])
                if !before.isEmpty { events.append(.text(before)) }
                buffer = String(buffer[range.upperBound...])
                if let tool {
                    openTool = tool
                    events.append(.opened(tool: tool))
                } else {
                    stopped = true
                    buffer = ""
                    events.append(.inventedResult)
                }
                continue
            }
            // No marker: show all but a tail that could still become one.
            let held = heldBackLength()
            let shown = String(buffer.dropLast(held))
            if !shown.isEmpty { events.append(.text(shown)) }
            buffer = String(buffer.suffix(held))
            break
        }
        return events
    }

    /// The output ended: held-back text is shown, and an open marker becomes a call
    /// that was not closed.
    public mutating func finish() -> [Event] {
        defer { buffer = "" }
        guard !stopped else { return [] }
        if let tool = openTool {
            openTool = nil
            var content = buffer
            // A closing marker cut short ("</cal") is not content.
            let closing = format.closing(for: tool)
            for length in stride(from: closing.count - 1, through: 1, by: -1) where content.hasSuffix(String(closing.prefix(length))) {
                content.removeLast(length)
                break
            }
            return [completedCall(tool: tool, content: content, closed: false)]
        }
        return buffer.isEmpty ? [] : [.text(buffer)]
    }

    private func completedCall(tool: String, content: String, closed: Bool) -> Event {
        if tool == Self.hermesMarkerName {
            guard var call = ToolCall(hermes: content) else { return .malformedCall(content) }
            call.closed = closed
            return .call(call)
        }
        return .call(ToolCall(tool: tool, input: ToolCall.cleanInput(content), closed: closed))
    }

    /// The earliest opening marker (or invented result) in the buffer; the tool is
    /// nil for a result.
    private func firstOpening() -> (Range<String.Index>, String?)? {
        var best: (Range<String.Index>, String?)?
        let candidates = openings.map { ($0.marker, Optional($0.tool)) } + [(ToolCallFormat.resultOpening, nil)]
        for (marker, tool) in candidates {
            if let range = buffer.range(of: marker), best == nil || range.lowerBound < best!.0.lowerBound {
                best = (range, tool)
            }
        }
        return best
    }

    /// The length of the longest end of the buffer that is a proper beginning of a marker.
    private func heldBackLength() -> Int {
        let markers = openings.map(\.marker) + [ToolCallFormat.resultOpening]
        let longest = markers.map(\.count).max() ?? 0
        for length in stride(from: min(longest - 1, buffer.count), through: 1, by: -1) {
            let tail = buffer.suffix(length)
            if markers.contains(where: { $0.count > length && $0.hasPrefix(tail) }) { return length }
        }
        return 0
    }
}
