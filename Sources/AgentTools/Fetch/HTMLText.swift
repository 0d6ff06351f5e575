/// An HTML page read as plain text: the title, and the body's text with headings as
/// "# …", list items as "- …", paragraphs and other blocks on their own lines, each table
/// row on a line of its own, a definition list's term and description on one line
/// ("Population: 653,148"), and whitespace collapsed.
///
/// A table row under a header row reads "Town: Corvel; Population: 653,148" — each cell
/// labelled with its column's header — so the row alone still says what each value is; a
/// row whose first cell is a header cell (an infobox) reads "Population: 653,148"; other
/// rows separate their cells with " | ". A cell holding structure (a list, a heading, a
/// nested table, or long text in paragraphs) is a layout cell: its row is written as plain
/// lines instead.
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
    /// The tables being read, innermost last.
    var tables: [TableBuilder] = []

    init(_ html: [Unicode.Scalar]) { self.html = html }

    mutating func run() {
        while index < html.count {
            if html[index] == "<", let tag = readMarkup() {
                handle(tag)
            } else {
                let start = index
                index += 1
                while index < html.count, html[index] != "<" { index += 1 }
                if navigationDepth == 0 { appendText(HTMLEntities.decode(string(start..<index))) }
            }
        }
        while !tables.isEmpty { endTable() }
        output.endLine()
    }

    /// Text goes into the open table cell, if any, else onto the current line.
    mutating func appendText(_ text: String) {
        if let last = tables.indices.last, tables[last].cell != nil {
            tables[last].cell?.append(text)
        } else {
            output.append(text)
        }
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
        if handleTable(tag) { return }
        if name == "td" || name == "th" {
            if !tag.isEnd { output.separateCell() }
        } else if blockElements.contains(name) {
            // A term and its description read as one line: "Population: 653,148".
            if name == "dt", tag.isEnd, output.lineHasText { output.termEnded = true; return }
            if name == "dd", !tag.isEnd, output.termEnded { output.joinDescription(); return }
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

    /// Handles table structure, and blocks inside a table cell; false when `tag` is
    /// left to the general rules.
    mutating func handleTable(_ tag: (name: String, isEnd: Bool, selfClosing: Bool)) -> Bool {
        let name = tag.name
        if name == "table" {
            if tag.isEnd {
                if !tables.isEmpty { endTable() }
            } else {
                if let last = tables.indices.last, tables[last].cell != nil { breakRow() }
                output.endLine()
                tables.append(TableBuilder())
            }
            return true
        }
        guard let last = tables.indices.last else { return false }
        switch name {
        case "tr":
            finishRow()
            output.endLine()
            return true
        case "thead", "tbody", "tfoot":
            finishRow()
            tables[last].inHead = name == "thead" && !tag.isEnd
            output.endLine()
            return true
        case "td", "th":
            if tables[last].isLayoutRow { return false }
            tables[last].closeCell()
            if !tag.isEnd { tables[last].cell = LineBuilder(); tables[last].cellIsHeader = name == "th" || tables[last].inHead }
            return true
        default:
            guard let cell = tables[last].cell, blockElements.contains(name) else { return false }
            if cellBlocks.contains(name), cell.line.count < maximumCellText {
                tables[last].cell?.append(" ")
                return true
            }
            breakRow()
            return false
        }
    }

    /// Writes the finished row of the innermost table as its own line.
    mutating func finishRow() {
        guard let last = tables.indices.last else { return }
        if tables[last].isLayoutRow {
            tables[last].isLayoutRow = false
            output.endLine()
            return
        }
        for line in tables[last].finishRow() {
            output.endLine()
            output.append(line)
            output.endLine()
        }
    }

    /// The open cell holds structure: what the row has so far becomes plain text on the
    /// current line, and the rest of the row follows the general rules.
    mutating func breakRow() {
        guard let last = tables.indices.last else { return }
        tables[last].closeCell()
        let cells = tables[last].cells.map(\.text).filter { !$0.isEmpty }
        tables[last].cells = []
        tables[last].isLayoutRow = true
        output.endLine()
        output.append(cells.joined(separator: " | "))
    }

    mutating func endTable() {
        finishRow()
        if let header = tables.removeLast().unusedHeader {
            output.endLine()
            output.append(header)
        }
        output.endLine()
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

/// Blocks that may sit inside a data cell and read there as a space ("<td><p>4</p></td>").
private let cellBlocks: Set<String> = ["p", "div", "br", "center", "address", "figcaption", "summary", "details", "dd", "dt"]
/// A cell with more text than this before another block is a layout cell, not data.
private let maximumCellText = 300

/// One table being read: its header row, and the row and cell under way.
private struct TableBuilder {
    /// The column labels, from the last row of header cells.
    var header: [String]?
    /// Whether a data row has been written under `header` (else it is written alone at the end).
    var headerUsed = false
    /// The cells of the row under way.
    var cells: [(text: String, isHeader: Bool)] = []
    /// The text of the open cell, if any.
    var cell: LineBuilder?
    var cellIsHeader = false
    /// Inside `<thead>`, where every cell is a header.
    var inHead = false
    /// The row under way holds structure and is written by the general rules.
    var isLayoutRow = false

    mutating func closeCell() {
        guard var open = cell else { return }
        open.endLine()
        cells.append((open.lines.joined(separator: " "), cellIsHeader))
        cell = nil
    }

    /// The lines the finished row writes: none for a header row (kept as labels), else
    /// the row with its cells labelled when it can be.
    mutating func finishRow() -> [String] {
        closeCell()
        let row = cells
        cells = []
        guard row.contains(where: { !$0.text.isEmpty }) else { return [] }
        var lines: [String] = []
        if row.count >= 2, row.allSatisfy(\.isHeader) {
            if let pending = unusedHeader { lines.append(pending) }
            header = row.map(\.text)
            headerUsed = false
            return lines
        }
        if let header, header.count == row.count {
            headerUsed = true
            let labelled = zip(header, row.map(\.text)).filter { !$0.1.isEmpty }
            return [labelled.map { $0.0.isEmpty ? $0.1 : "\($0.0): \($0.1)" }.joined(separator: "; ")]
        }
        if let pending = unusedHeader { lines.append(pending); headerUsed = true }
        let values = row.map(\.text).filter { !$0.isEmpty }
        if row.count >= 2, row[0].isHeader, !row[0].text.isEmpty, !row.dropFirst().contains(where: \.isHeader) {
            lines.append("\(row[0].text): " + row.dropFirst().map(\.text).filter { !$0.isEmpty }.joined(separator: " | "))
        } else {
            lines.append(values.joined(separator: " | "))
        }
        return lines
    }

    /// The header row as plain cells, when no data row has used it.
    var unusedHeader: String? {
        guard let header, !headerUsed else { return nil }
        return header.filter { !$0.isEmpty }.joined(separator: " | ")
    }
}

/// Accumulates text into lines, collapsing whitespace outside `<pre>`.
private struct LineBuilder {
    var lines: [String] = []
    var line = ""
    var lineHasText = false
    var pendingSpace = false
    var preformatted = 0
    /// A `<dt>` just ended on this line: a `<dd>` right after it continues the line.
    var termEnded = false

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
                termEnded = false
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
        termEnded = false
    }

    /// Continues a term's line with its description, after a colon.
    mutating func joinDescription() {
        termEnded = false
        if line.last != ":" { line.append(":") }
        pendingSpace = true
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
