/// Watches streamed text for stop strings. Text that might be the start of a stop
/// string is held back until it is clear either way, so a stop string never
/// reaches the output, not even in part.
public struct StopStringMatcher: Sendable {
    /// The strings watched for (empty ones dropped).
    public let stopStrings: [String]
    private var held = ""

    /// A matcher for `stopStrings`; empty strings are ignored.
    public init(stopStrings: [String]) {
        self.stopStrings = stopStrings.filter { !$0.isEmpty }
    }

    /// Adds text; returns what may be shown now and the stop string, if one was found.
    public mutating func feed(_ text: String) -> (String, String?) {
        guard !stopStrings.isEmpty else { return (text, nil) }
        held += text
        // The earliest complete stop string wins.
        var earliest: (range: Range<String.Index>, stop: String)?
        for stop in stopStrings {
            if let range = held.range(ofExact: stop), earliest == nil || range.lowerBound < earliest!.range.lowerBound {
                earliest = (range, stop)
            }
        }
        if let earliest {
            let shown = String(held[..<earliest.range.lowerBound])
            held = ""
            return (shown, earliest.stop)
        }
        // Hold back the longest suffix that begins some stop string.
        let scalars = Array(held.unicodeScalars)
        var keep = 0
        for stop in stopStrings {
            let stopScalars = Array(stop.unicodeScalars)
            for length in stride(from: min(stopScalars.count - 1, scalars.count), to: keep, by: -1)
            where scalars.suffix(length).elementsEqual(stopScalars.prefix(length)) {
                keep = length
                break
            }
        }
        var shown = ""
        shown.unicodeScalars.append(contentsOf: scalars.dropLast(keep))
        var rest = ""
        rest.unicodeScalars.append(contentsOf: scalars.suffix(keep))
        held = rest
        return (shown, nil)
    }

    /// Whatever is held back, at the end of generation.
    public mutating func flush() -> String {
        defer { held = "" }
        return held
    }
}

extension String {
    /// The first occurrence of `target`, comparing Unicode scalars exactly.
    func range(ofExact target: String) -> Range<String.Index>? {
        let text = unicodeScalars, pattern = Array(target.unicodeScalars)
        guard !pattern.isEmpty else { return nil }
        var index = text.startIndex
        while index != text.endIndex {
            var i = index, j = 0
            while j < pattern.count, i != text.endIndex, text[i] == pattern[j] {
                text.formIndex(after: &i)
                j += 1
            }
            if j == pattern.count { return index..<i }
            text.formIndex(after: &index)
        }
        return nil
    }
}
