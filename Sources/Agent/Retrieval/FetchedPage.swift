/// The fetch tool's output taken apart: "URL: …", an optional "Title: …", a blank line,
/// then the page's text. Output without the "URL:" line (an error, plain text) is all body.
struct FetchedPage: Sendable, Equatable {
    /// The address after redirects, from the "URL:" line.
    let url: String?
    /// The page's title, from the "Title:" line.
    let title: String?
    /// The page's text, line by line, without the fetcher's "[… truncated …]" note.
    let lines: [String]

    init(fetchOutput: String) {
        var lines = fetchOutput.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
        var url: String?
        var title: String?
        if let first = lines.first, first.hasPrefix("URL: ") {
            url = String(first.dropFirst(5)).withoutOuterWhitespace
            lines.removeFirst()
            if let second = lines.first, second.hasPrefix("Title: ") {
                title = String(second.dropFirst(7)).withoutOuterWhitespace
                lines.removeFirst()
            }
        }
        self.url = url
        self.title = title
        self.lines = lines.map(\.withoutOuterWhitespace).filter { !$0.isEmpty && !Self.isCutNote($0) }
    }

    /// The notes the fetcher and the planner leave where they cut text, e.g.
    /// "[… truncated: 120 more characters]".
    static func isCutNote(_ line: String) -> Bool {
        line.hasPrefix("[…") && line.hasSuffix("]")
    }
}

extension String {
    /// The string without whitespace at either end.
    var withoutOuterWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
