/// One passage of a page, with the headings it stands under.
struct Passage: Sendable, Equatable {
    /// What the reader sees: a sentence (with the one before it when it starts with a
    /// pronoun such as "It"), or a table row.
    let text: String
    /// The headings above it, outermost first ("Towns of the valley", "Lindau"): what a
    /// section's sentences are about even when they do not say it.
    let headings: [String]

    init(_ text: String, headings: [String] = []) {
        self.text = text
        self.headings = headings
    }
}

/// A page's text cut into passages a question can be matched against: sentences of
/// running text, and table rows kept whole — labelled with their column headers when
/// the rows below a header line are given as "a | b | c" cells. Navigation lines
/// ("Home | Places | About") are left out. Headings and list bullets lose their marks.
enum Passages {
    /// Longer sentences are cut at a clause or word boundary, so one run-on sentence
    /// cannot fill the whole budget of what the model reads.
    static let maximumLength = 300

    /// The passages of `lines` (a page's text, one block per line), in page order.
    static func split(_ lines: [String]) -> [Passage] {
        var passages: [Passage] = []
        var headings: [(level: Int, text: String)] = []
        var index = 0
        while index < lines.count {
            let context = headings.map(\.text)
            if isCellLine(lines[index]) {
                var end = index
                while end < lines.count, isCellLine(lines[end]) { end += 1 }
                passages += tableRows(Array(lines[index..<end])).map { Passage($0, headings: context) }
                index = end
                continue
            }
            let level = lines[index].prefix { $0 == "#" }.count
            let line = withoutMarks(lines[index])
            index += 1
            if level > 0, lines[index - 1].dropFirst(level).first == " " {
                headings.removeAll { $0.level >= level }
                headings.append((level, line))
                passages.append(Passage(line, headings: context))
            } else if isLabelledRow(line) {
                passages += cut(line).map { Passage($0, headings: context) }
            } else {
                passages += withAntecedents(sentences(of: line)).flatMap(cut).map { Passage($0, headings: context) }
            }
        }
        return passages.filter { !$0.text.isEmpty }
    }

    /// The sentences, each one that starts with a pronoun ("It was founded in 1630.")
    /// joined to the sentence before it, which says what the pronoun stands for — while
    /// the two fit in `maximumLength`.
    static func withAntecedents(_ sentences: [String]) -> [String] {
        var result: [String] = []
        for sentence in sentences {
            let first = sentence.prefix { $0.isLetter || $0 == "'" || $0 == "’" }.lowercased()
            if referringWords.contains(first), let previous = result.last, previous.count + 1 + sentence.count <= maximumLength {
                result[result.count - 1] = previous + " " + sentence
            } else {
                result.append(sentence)
            }
        }
        return result
    }

    private static let referringWords: Set<String> = [
        "it", "its", "it's", "he", "she", "his", "her", "they", "their", "them", "this", "these", "there", "here",
    ]

    // MARK: Tables

    /// A row of cells as HTMLText writes a table without headers ("a | b") or as
    /// Markdown does ("| a | b |").
    static func isCellLine(_ line: String) -> Bool {
        line.contains(" | ") || (line.hasPrefix("|") && line.hasSuffix("|") && line.count > 2)
    }

    /// A row HTMLText has labelled with its headers: "Town: Corvel; Population: 653,148".
    static func isLabelledRow(_ line: String) -> Bool {
        let cells = line.components(separatedBy: "; ")
        return cells.count >= 2 && cells.allSatisfy { $0.contains(": ") }
    }

    static func cells(of line: String) -> [String] {
        var cells = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0).withoutOuterWhitespace }
        if line.hasPrefix("|"), cells.first == "" { cells.removeFirst() }
        if line.hasSuffix("|"), cells.last == "" { cells.removeLast() }
        return cells
    }

    /// The rows of a block of cell lines, each one passage. A first row without digits
    /// above rows with digits, all of one width, is the header: each row below says what
    /// its cells are ("Town: Corvel; Population: 653,148"). A block that looks like a
    /// menu (short cells, no digits, no sentences) is navigation and is dropped.
    static func tableRows(_ lines: [String]) -> [String] {
        let rows = lines.map(cells).filter { row in !row.allSatisfy(isRuleCell) }
        guard !rows.isEmpty else { return [] }
        if rows.allSatisfy(isNavigation) { return [] }
        let width = rows[0].count
        let hasHeader = rows.count >= 2 && rows.allSatisfy { $0.count == width }
            && !rows[0].contains(where: containsDigit) && rows.dropFirst().contains { $0.contains(where: containsDigit) }
        guard hasHeader else { return rows.map { $0.filter { !$0.isEmpty }.joined(separator: " | ") } }
        let header = rows[0]
        return rows.dropFirst().map { row in
            zip(header, row).filter { !$0.1.isEmpty }.map { $0.0.isEmpty ? $0.1 : "\($0.0): \($0.1)" }.joined(separator: "; ")
        }
    }

    /// A Markdown header rule cell: "---", ":--:".
    static func isRuleCell(_ cell: String) -> Bool {
        !cell.isEmpty && cell.allSatisfy { $0 == "-" || $0 == ":" || $0 == " " }
    }

    static func containsDigit(_ text: String) -> Bool { text.contains { $0.isNumber } }

    /// Three or more short cells (at most three words) without digits or sentence ends.
    static func isNavigation(_ cells: [String]) -> Bool {
        cells.count >= 3 && cells.allSatisfy { cell in
            cell.split(separator: " ").count <= 3 && !containsDigit(cell) && !cell.contains { ".!?".contains($0) }
        }
    }

    /// A line of links separated by "·", "•", "»", "›" or " > " (breadcrumbs) reads like navigation.
    static func isNavigationLine(_ line: String) -> Bool {
        let parts = line.components(separatedBy: " > ").flatMap { $0.split { "·•»›".contains($0) } }.map { String($0).withoutOuterWhitespace }
        return isNavigation(parts)
    }

    // MARK: Running text

    /// The line without a heading's "#"s or a list item's "- ", and "" for navigation.
    static func withoutMarks(_ line: String) -> String {
        var text = Substring(line)
        if text.hasPrefix("#") { text = text.drop { $0 == "#" } }
        if text.hasPrefix("- ") || text.hasPrefix("* ") || text.hasPrefix("• ") { text = text.dropFirst(2) }
        let result = String(text).withoutOuterWhitespace
        return isNavigationLine(result) ? "" : result
    }

    /// The sentences of `line`: cut after ".", "!" or "?" (and closing quotes or
    /// brackets) when a space and a capital letter, digit or opening quote follow —
    /// except after an initial ("J. Smith") or a common abbreviation ("Dr.", "St.").
    static func sentences(of line: String) -> [String] {
        let characters = Array(line)
        var sentences: [String] = []
        var start = 0
        var index = 0
        while index < characters.count {
            defer { index += 1 }
            guard ".!?".contains(characters[index]) else { continue }
            var end = index + 1
            while end < characters.count, "\"')]”’".contains(characters[end]) { end += 1 }
            guard end < characters.count, characters[end] == " " else { continue }
            var next = end
            while next < characters.count, characters[next] == " " { next += 1 }
            guard next < characters.count else { continue }
            let following = characters[next]
            guard following.isUppercase || following.isNumber || "\"“‘(".contains(following) else { continue }
            if characters[index] == "." && isAbbreviation(before: index, in: characters) { continue }
            sentences.append(String(characters[start..<end]).withoutOuterWhitespace)
            start = next
        }
        sentences.append(String(characters[start...]).withoutOuterWhitespace)
        return sentences.filter { !$0.isEmpty }
    }

    static func isAbbreviation(before period: Int, in characters: [Character]) -> Bool {
        var start = period
        while start > 0, characters[start - 1].isLetter || characters[start - 1] == "'" || characters[start - 1] == "’" { start -= 1 }
        let word = String(characters[start..<period]).lowercased()
        return word.count == 1 || abbreviations.contains(word)
    }

    private static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "st", "mt", "ft", "prof", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp",
        "approx", "ca", "gen", "col", "lt", "sgt", "capt", "rev", "fig", "vol", "pp", "ave", "est", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]

    /// `passage` in pieces of at most `maximumLength` characters, cut after "; " or ", "
    /// or else at a space, when it is longer.
    static func cut(_ passage: String) -> [String] {
        var rest = Substring(passage)
        var pieces: [String] = []
        while rest.count > maximumLength {
            let window = rest.prefix(maximumLength)
            let minimum = window.index(window.startIndex, offsetBy: maximumLength / 2)
            let clause = window[minimum...].lastIndex { $0 == ";" || $0 == "," }.map { window.index(after: $0) }
            let space = window[minimum...].lastIndex(of: " ")
            let boundary = clause ?? space ?? window.endIndex
            pieces.append(String(rest[..<boundary]).withoutOuterWhitespace)
            rest = rest[boundary...]
        }
        pieces.append(String(rest).withoutOuterWhitespace)
        return pieces.filter { !$0.isEmpty }
    }
}
