/// An HTML page read as plain text: the title, and the body's text with headings as
/// "# …", list items as "- …", paragraphs and other blocks on their own lines, table
/// cells separated by " | ", and whitespace collapsed.
///
/// Dropped: comments, `script`, `style`, `noscript`, `template`, `svg` and similar
/// non-text elements, and navigation — `nav`, `aside`, and `header`/`footer` outside an
/// `article` or `main` (inside one they hold the article's own heading or byline).
/// A tolerant scanner, not a full HTML parser: unclosed tags simply end at the page's end.
struct HTMLText: Equatable, Sendable {
    /// The first `<title>`, entities decoded and whitespace collapsed; nil if none or empty.
    let title: String?
    /// The readable text, one block per line.
    let text: String

    init(html: String) {
        var scanner = HTMLScanner(Array(html.unicodeScalars))
        scanner.run()
        title = scanner.title
        text = scanner.output.lines.joined(separator: "\n")
    }
}

/// Elements whose content is never text for the reader.
private let skippedElements: Set<String> = [
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas", "select",
]
/// Elements that start and end a line.
private let blockElements: Set<String> = [
    "p", "div", "section", "article", "main", "blockquote", "ul", "ol", "dl", "dt", "dd", "table", "tr",
    "form", "fieldset", "figure", "figcaption", "address", "hr", "br", "pre", "li", "details", "summary",
    "caption", "thead", "tbody", "tfoot", "center", "body", "html", "h1", "h2", "h3", "h4", "h5", "h6",
]

private struct HTMLScanner {
    let html: [Unicode.Scalar]
    var index = 0
    var output = LineBuilder()
    var title: String?
    /// Depth inside navigation elements whose text is dropped.
    var navigationDepth = 0
    /// Depth inside `article`/`main`, where `header`/`footer` are kept.
    var contentDepth = 0

    init(_ html: [Unicode.Scalar]) { self.html = html }

    mutating func run() {
        while index < html.count {
            if html[index] == "<", let tag = readMarkup() {
                handle(tag)
            } else {
                let start = index
                index += 1
                while index < html.count, html[index] != "<" { index += 1 }
                if navigationDepth == 0 { output.append(HTMLEntities.decode(string(start..<index))) }
            }
        }
        output.endLine()
    }

    /// A tag at `index` (a "<"); comments and declarations are consumed and give a nil
    /// name. Returns nil, consuming nothing, when the "<" is just text.
    mutating func readMarkup() -> (name: String, isEnd: Bool, selfClosing: Bool)? {
        let next = index + 1 < html.count ? html[index + 1] : " "
        if next == "!" || next == "?" {
            let isComment = starts(with: "<!--", at: index)
            index = isComment ? (find("-->", from: index + 4).map { $0 + 3 } ?? html.count)
                              : (find(">", from: index).map { $0 + 1 } ?? html.count)
            return ("", false, true)
        }
        let isEnd = next == "/"
        var cursor = index + (isEnd ? 2 : 1)
        guard cursor < html.count, html[cursor].properties.isAlphabetic, html[cursor].isASCII else { return nil }
        let nameStart = cursor
        while cursor < html.count, html[cursor].isASCII, html[cursor].properties.isAlphabetic || ("0"..."9").contains(html[cursor]) || html[cursor] == "-" {
            cursor += 1
        }
        let name = string(nameStart..<cursor).lowercased()
        var quote: Unicode.Scalar?
        var previous: Unicode.Scalar = " "
        while cursor < html.count {  // attributes, with ">" allowed inside quotes
            let scalar = html[cursor]
            if let open = quote { if scalar == open { quote = nil } }
            else if scalar == "\"" || scalar == "'" { quote = scalar }
            else if scalar == ">" { break }
            previous = scalar
            cursor += 1
        }
        index = min(cursor + 1, html.count)
        return (name, isEnd, previous == "/")
    }

    mutating func handle(_ tag: (name: String, isEnd: Bool, selfClosing: Bool)) {
        let name = tag.name
        guard !name.isEmpty else { return }
        if !tag.isEnd, skippedElements.contains(name) {
            if !tag.selfClosing { _ = skipRawText(until: name) }
            return
        }
        if !tag.isEnd, name == "title" {
            let start = index
            let end = skipRawText(until: name)
            let text = collapse(HTMLEntities.decode(string(start..<end)))
            if title == nil, !text.isEmpty { title = text }
            return
        }
        switch name {
        case "article", "main":
            contentDepth += tag.isEnd ? (contentDepth > 0 ? -1 : 0) : 1
        case "nav", "aside", "header", "footer":
            if (name == "header" || name == "footer") && contentDepth > 0 { break }
            if tag.isEnd { navigationDepth = max(0, navigationDepth - 1) } else if !tag.selfClosing { navigationDepth += 1 }
            return
        default: break
        }
        guard navigationDepth == 0 else { return }
        if name == "td" || name == "th" {
            if !tag.isEnd { output.separateCell() }
        } else if blockElements.contains(name) {
            output.endLine()
            guard !tag.isEnd else { if name == "pre" { output.preformatted = max(0, output.preformatted - 1) }; return }
            if let level = Int(name.dropFirst()), name.first == "h", (1...6).contains(level) {
                output.startHeading(level: level)
            } else if name == "li" {
                output.startLine(prefix: "- ")
            } else if name == "pre" {
                output.preformatted += 1
            }
        }
    }

    /// Moves past the end tag `</name…>` of a raw-text element (or to the end);
    /// returns where the element's content ends.
    mutating func skipRawText(until name: String) -> Int {
        var cursor = index
        while let open = find("</", from: cursor) {
            if string(open + 2..<min(open + 2 + name.count, html.count)).lowercased() == name {
                index = find(">", from: open).map { $0 + 1 } ?? html.count
                return open
            }
            cursor = open + 2
        }
        index = html.count
        return html.count
    }

    func find(_ needle: String, from start: Int) -> Int? {
        var cursor = start
        while cursor < html.count {
            if starts(with: needle, at: cursor) { return cursor }
            cursor += 1
        }
        return nil
    }

    func starts(with needle: String, at position: Int) -> Bool {
        var cursor = position
        for scalar in needle.unicodeScalars {
            guard cursor < html.count, html[cursor] == scalar else { return false }
            cursor += 1
        }
        return true
    }

    func string(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(html[range])) }

    func collapse(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// Accumulates text into lines, collapsing whitespace outside `<pre>`.
private struct LineBuilder {
    var lines: [String] = []
    var line = ""
    var lineHasText = false
    var pendingSpace = false
    var preformatted = 0

    mutating func append(_ text: String) {
        for character in text {
            if preformatted > 0 {
                if character == "\n" || character == "\r\n" { endLine(keepEmpty: true) }
                else { line.append(character); lineHasText = lineHasText || !character.isWhitespace }
            } else if character.isWhitespace {
                pendingSpace = true
            } else {
                if pendingSpace && lineHasText { line.append(" ") }
                pendingSpace = false
                line.append(character)
                lineHasText = true
            }
        }
    }

    mutating func endLine(keepEmpty: Bool = false) {
        if lineHasText {
            lines.append(String(line.reversed().drop { $0.isWhitespace }.reversed()))
        } else if keepEmpty, lines.last != "" {
            lines.append("")
        }
        line = ""
        lineHasText = false
        pendingSpace = false
    }

    mutating func startLine(prefix: String) {
        endLine()
        line = prefix
    }

    mutating func startHeading(level: Int) {
        endLine()
        if let last = lines.last, !last.isEmpty { lines.append("") }
        line = String(repeating: "#", count: level) + " "
    }

    mutating func separateCell() {
        if lineHasText { line.append(" | ") }
        pendingSpace = false
    }
}
