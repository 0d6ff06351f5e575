/// The one line a model should read about a failed Python call: the exception and the
/// line of the code it came from ("NameError: name 'Tom' is not defined (line 2)"), or the
/// tool's own one-line error ("the code used more than 2 s of CPU time and was stopped").
///
/// Reads the python tool's report as the model would see it: output lines, then lines
/// starting "error: ", a traceback or syntax error continuing on the lines after it.
public enum PythonErrorLine {
    /// The longest line returned, in characters.
    public static let maximumLength = 159

    /// The line for the report `output`, at most `maximumLength` characters; nil when the
    /// report holds no error.
    public static func line(in output: String) -> String? {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Each error's text: its first line and the traceback lines under it, up to the
        // next line of the report ("figure saved: …", "note: …", another "error: …").
        var blocks: [[String]] = []
        var inBlock = false
        for line in lines {
            if line.hasPrefix(errorPrefix) {
                blocks.append([String(line.dropFirst(errorPrefix.count))])
                inBlock = true
            } else if reportPrefixes.contains(where: line.hasPrefix) {
                inBlock = false
            } else if inBlock {
                blocks[blocks.count - 1].append(line)
            }
        }
        // The code's exception first; else the tool's last word (the code may print "error: ").
        for block in blocks {
            if let exception = exceptionLine(in: block) {
                let suffix = cellLine(in: block).map { " (line \($0))" } ?? ""
                return shortened(exception, keeping: suffix)
            }
        }
        return blocks.last.map { shortened($0[0], keeping: "") }
    }

    private static let errorPrefix = "error: "
    /// How the report's own lines begin (PythonReport).
    private static let reportPrefixes = ["error: ", "note: ", "figure saved: ", "stderr:"]

    /// The last "Type: message" (or bare "Type") line after the last frame of a traceback
    /// or syntax error; nil when the block is not one.
    private static func exceptionLine(in block: [String]) -> String? {
        let isTraceback = block.contains { $0.hasPrefix("Traceback (most recent call last)") || isFrame($0) }
        guard isTraceback else { return nil }
        let lastFrame = block.lastIndex(where: isFrame) ?? 0
        return block[lastFrame...].last { line in
            guard let first = line.first, first.isLetter || first == "_" else { return false }
            let name = line.prefix { $0 != ":" }
            return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
                && (name.count == line.count || line.dropFirst(name.count).hasPrefix(": "))
        }
    }

    private static func isFrame(_ line: String) -> Bool {
        line.trimmingLeadingSpaces.hasPrefix("File \"")
    }

    /// The line number of the last frame in the model's own code (a `<cell N>` file).
    private static func cellLine(in block: [String]) -> Int? {
        for line in block.reversed() where isFrame(line) && line.contains("\"<cell ") {
            guard let range = line.range(of: ", line ") else { continue }
            let digits = line[range.upperBound...].prefix { $0.isNumber }
            if let number = Int(digits) { return number }
        }
        return nil
    }

    /// `text` + `suffix`, with `text` cut (ending "…") so that the whole fits.
    private static func shortened(_ text: String, keeping suffix: String) -> String {
        let text = text.strippingSpaces
        guard text.count + suffix.count > maximumLength else { return text + suffix }
        let room = max(maximumLength - suffix.count - 1, 0)
        return String(text.prefix(room)) + "…" + suffix
    }
}

private extension String {
    var trimmingLeadingSpaces: Substring { drop { $0 == " " || $0 == "\t" } }

    var strippingSpaces: String {
        let kept = drop { $0 == " " || $0 == "\t" }
        return String(kept.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
