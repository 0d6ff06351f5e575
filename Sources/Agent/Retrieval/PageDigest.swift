/// What the model reads of a fetched page for a question: the page's URL and title, then
/// the few passages (sentences, table rows) that best match the question, best first,
/// within a character budget — so a fact near the end of a long page is not cut away,
/// and the model is not shown filler to copy.
///
/// Passages are ranked by BM25 over their search terms, plus a prior from the kind of
/// answer the question asks for (`AnswerType`): a passage with a year for "when", a
/// number for "how many", a name for "who". The prior decides between passages that
/// match the question's words equally — on a page where every sentence names the town,
/// the one with the year answers "when was it founded?". Repeated passages, navigation
/// lines and passages of a few words without an answer of the asked type are dropped.
public struct PageDigest: Sendable {
    /// The page's address, from the fetch output's "URL:" line.
    public let url: String?
    /// The page's title, from the fetch output's "Title:" line.
    public let title: String?
    /// The chosen passages, best first; together with the URL and title lines they fit
    /// the character budget.
    public let passages: [String]

    /// What the model reads: "URL: …", "Title: …" (each when known), a blank line, then
    /// one passage per line, best first.
    public var text: String {
        Self.header(url: url, title: title) + passages.joined(separator: "\n")
    }

    /// The digest of `fetchOutput` (the fetch tool's text) for `question`: at most
    /// `maximumPassages` passages, and at most `maximumCharacters` characters in `text`
    /// (a best passage longer than what is left is shortened at a word).
    public init(fetchOutput: String, question: String, maximumPassages: Int = 3, maximumCharacters: Int = 1200) {
        let page = FetchedPage(fetchOutput: fetchOutput)
        url = page.url
        title = page.title
        let all = Passages.split(page.lines)
        var ranked = Self.rank(all, question: question, title: page.title)
        // Only short or repeated lines: show them as they come rather than nothing.
        if ranked.isEmpty {
            var seen: Set<String> = []
            ranked = all.map(\.text).filter { seen.insert($0).inserted }
        }
        var budget = maximumCharacters - Self.header(url: page.url, title: page.title).count
        var chosen: [String] = []
        for passage in ranked where chosen.count < maximumPassages {
            let cost = passage.count + (chosen.isEmpty ? 0 : 1)  // the newline before it
            if cost <= budget {
                chosen.append(passage)
                budget -= cost
            } else if chosen.isEmpty, budget >= Weights.shortestShortenedPassage {
                let shortened = Self.shorten(passage, to: budget)
                chosen.append(shortened)
                budget -= shortened.count
            }
        }
        passages = chosen
    }

    /// The named numbers of the ranking, with why they are what they are.
    enum Weights {
        /// How much a passage with a clear answer of the asked type gains, as a share of
        /// the best BM25 score on the page. At 1, a passage that shares a word with the
        /// question and holds a year outranks every passage without one for "when" — the
        /// question's words choose among the typed passages, the type among the rest.
        static let answerTypeShare = 1.0
        /// Added to that gain, and all a typed passage sharing no word with the question
        /// gains: typed passages still come first when nothing matches the question, but
        /// unrelated numbers ("© 2024", "page 3 of 12") do not outrank related sentences.
        static let answerTypeFloor = 0.01
        /// Passages with fewer words are dropped unless they hold an answer of the asked
        /// type ("Population: 653,148" stays; "Read more" goes).
        static let fewestWords = 4
        /// A best passage is shortened to fit only if at least this many characters fit.
        static let shortestShortenedPassage = 40
    }

    /// `passages` ranked for `question`, best first, without repeats, and without short
    /// passages that hold no answer of the asked type.
    static func rank(_ passages: [Passage], question: String, title: String?) -> [String] {
        let answerType = AnswerType(question: question)
        let subject = subjectWords(question: question, title: title)
        var seen: Set<String> = []
        var kept: [(text: String, terms: [String], typed: Double)] = []
        for passage in passages {
            let words = passage.text.lowercased().split { !($0.isLetter || $0.isNumber) }
            guard seen.insert(words.joined(separator: " ")).inserted else { continue }
            let typed = answerType.strength(of: passage.text, subject: subject)
            guard typed > 0 || words.count >= Weights.fewestWords else { continue }
            // The headings count as words of the passage, once each, so a section's
            // sentences match the name the section is about.
            let headingTerms = Set(passage.headings.flatMap(SearchTerms.of)).subtracting(SearchTerms.of(passage.text))
            kept.append((passage.text, SearchTerms.of(passage.text) + headingTerms.sorted(), typed))
        }
        let cueTerms = Set(SearchTerms.of(AnswerType.cueWords.joined(separator: " ")))
        let query = SearchTerms.of(question).filter { !cueTerms.contains($0) }
        let index = BM25(documents: kept.map(\.terms))
        let scores = kept.indices.map { index.score($0, query: query) }
        let best = scores.max() ?? 0
        let final = kept.indices.map { passage in
            let share = scores[passage] > 0 ? Weights.answerTypeShare * best : 0
            return scores[passage] + kept[passage].typed * (share + Weights.answerTypeFloor)
        }
        return kept.indices.sorted { final[$0] != final[$1] ? final[$0] > final[$1] : $0 < $1 }.map { kept[$0].text }
    }

    /// What the page and the question are about, lowercased: the title's words and the
    /// question's capitalised words (after its first). A name among these is not an answer
    /// to "who".
    static func subjectWords(question: String, title: String?) -> Set<String> {
        var subject = Set((title ?? "").lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init))
        for word in question.split(separator: " ").dropFirst() where word.first?.isUppercase == true {
            subject.insert(word.filter { $0.isLetter || $0.isNumber }.lowercased())
        }
        return subject
    }

    static func header(url: String?, title: String?) -> String {
        var lines: [String] = []
        if let url { lines.append("URL: \(url)") }
        if let title { lines.append("Title: \(title)") }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n\n"
    }

    /// `passage` cut at a space to at most `limit` characters, ending in "…".
    static func shorten(_ passage: String, to limit: Int) -> String {
        let prefix = passage.prefix(max(0, limit - 1))
        let cut = prefix.lastIndex(of: " ").map { prefix[..<$0] } ?? prefix
        return cut + "…"
    }
}
