import Testing
@testable import Agent
@testable import AgentTools

/// A fetch tool output for a page with `lines` of text.
private func fetched(_ lines: [String], title: String? = "Corvel") -> String {
    "URL: https://example.org/corvel\n" + (title.map { "Title: \($0)\n" } ?? "") + "\n" + lines.joined(separator: "\n")
}

/// A town page where every sentence names the town, so only the kind of answer tells
/// the sentences apart.
private let townPage = fetched([
    "# Corvel",
    "Corvel is a town on the river Mell. Corvel is known for its markets and its old stone walls.",
    "Visitors to Corvel often walk along the harbour. The people of Corvel celebrate a spring festival.",
    "Corvel received its charter in 1442. Corvel has 653,148 inhabitants. Corvel was settled by the merchant Tom Baker.",
    "Corvel is a pleasant place to stay.",
])

struct PageDigestTests {
    @Test("the URL and title lines come first, then the best passages")
    func layout() {
        let digest = PageDigest(fetchOutput: townPage, question: "When did Corvel get its charter?")
        #expect(digest.url == "https://example.org/corvel")
        #expect(digest.title == "Corvel")
        #expect(digest.passages.count == 3)
        #expect(digest.passages.first == "Corvel received its charter in 1442.")
        #expect(digest.text.hasPrefix("URL: https://example.org/corvel\nTitle: Corvel\n\nCorvel received its charter in 1442.\n"))
    }

    @Test("when every sentence names the subject, the kind of answer decides",
          arguments: [
              ("What year was Corvel established?", "1442"),
              ("How many people live in Corvel?", "653,148"),
              ("Who settled Corvel?", "Tom Baker"),
              ("Who was the first settler in Corvel?", "Tom Baker"),
          ])
    func answerTypePrior(question: String, expected: String) {
        let digest = PageDigest(fetchOutput: townPage, question: question)
        #expect(digest.passages.first?.contains(expected) == true, "\(digest.passages)")
    }

    @Test("a fact near the end of a 60-sentence page is found")
    func longPage() {
        var sentences = (1...60).map { "In district \($0) of Corvel the streets are lined with shops and small gardens." }
        sentences[57] = "The lighthouse of Corvel was built in 1871 on the northern cliff."
        let page = fetched([sentences.joined(separator: " ")])
        #expect(page.count > 4000)
        let digest = PageDigest(fetchOutput: page, question: "When was the lighthouse in Corvel built?")
        #expect(digest.passages.first == "The lighthouse of Corvel was built in 1871 on the northern cliff.")
        #expect(digest.text.count <= 1200)
    }

    @Test("on a page about several towns, a section's heading and a pronoun's antecedent tell them apart")
    func severalSubjects() {
        let page = fetched([
            "# Towns of the valley",
            "## Lindau",
            "Lindau lies in the hills. It was founded in 1630.",
            "The town was granted a market in 1702.",
            "## Corvel",
            "Corvel was founded in 1442 by the merchant Tom Baker.",
            "The town was granted a market in 1519.",
        ], title: "Towns of the valley")
        let lindau = PageDigest(fetchOutput: page, question: "When was Lindau founded?")
        #expect(lindau.passages.first == "Lindau lies in the hills. It was founded in 1630.")
        let corvel = PageDigest(fetchOutput: page, question: "In what year did Corvel get its market?")
        #expect(corvel.passages.first == "The town was granted a market in 1519.")
    }

    @Test("a fetched HTML page with a table, end to end: the row of the asked town, labelled")
    func renderedTable() throws {
        let html = """
            <html><head><title>Towns of the valley</title></head><body>
            <nav><a href="/">Home</a> | <a href="/towns">Towns</a> | <a href="/about">About</a></nav>
            <h1>Towns of the valley</h1><p>The valley has many towns. Each town is worth a visit.</p>
            <table><tr><th>Town</th><th>Population</th><th>Founded</th><th>Bridges</th></tr>
            <tr><td>Corvel</td><td>653,148</td><td>1442</td><td>95</td></tr>
            <tr><td>Lindau</td><td>12,400</td><td>1630</td><td>3</td></tr></table>
            <p>The valley has many towns.</p></body></html>
            """
        let output = try PageRenderer.render(url: "https://example.org/towns", contentType: "text/html", body: Array(html.utf8),
                                             maximumCharacters: 4000)
        let bridges = PageDigest(fetchOutput: output, question: "How many bridges does Lindau have?")
        #expect(bridges.passages.first == "Town: Lindau; Population: 12,400; Founded: 1630; Bridges: 3")
        let founded = PageDigest(fetchOutput: output, question: "When was Corvel founded?", maximumPassages: 2)
        #expect(founded.text == """
            URL: https://example.org/towns
            Title: Towns of the valley

            Town: Corvel; Population: 653,148; Founded: 1442; Bridges: 95
            Town: Lindau; Population: 12,400; Founded: 1630; Bridges: 3
            """)
    }

    @Test("a sentence starting with a pronoun keeps the sentence before it")
    func antecedents() {
        #expect(Passages.withAntecedents(["Lindau lies in the hills.", "It was founded in 1630.", "Corvel is old.", "Its walls stand."])
            == ["Lindau lies in the hills. It was founded in 1630.", "Corvel is old. Its walls stand."])
        #expect(Passages.withAntecedents(["It rains."]) == ["It rains."])
    }

    @Test("repeats, navigation and short passages without an answer are dropped")
    func filler() {
        let page = fetched([
            "Home | Places | About | Contact",
            "Home > Places > Corvel",
            "Welcome to the Corvel guide for travellers.",
            "Read more",
            "Corvel has 95 bridges over the river.",
            "Welcome to the Corvel guide for travellers.",
            "Welcome to the  corvel guide for travellers!",
        ])
        let digest = PageDigest(fetchOutput: page, question: "How many bridges are in Corvel?", maximumPassages: 5)
        #expect(digest.passages == ["Corvel has 95 bridges over the river.", "Welcome to the Corvel guide for travellers."])
    }

    @Test("table rows are passages of their own, labelled when the page gives a header line")
    func tables() {
        let labelled = fetched(["Town: Corvel; Population: 653,148; Founded: 1442", "Town: Lindau; Population: 12,400; Founded: 1630"],
                               title: "Towns")
        let first = PageDigest(fetchOutput: labelled, question: "What is the population of Lindau?")
        #expect(first.passages.first == "Town: Lindau; Population: 12,400; Founded: 1630")
        let piped = fetched(["| Town | Population |", "|---|---|", "| Corvel | 653,148 |", "| Lindau | 12,400 |"], title: "Towns")
        let second = PageDigest(fetchOutput: piped, question: "How many people live in Lindau?")
        #expect(second.passages.first == "Town: Lindau; Population: 12,400")
    }

    @Test("the character budget holds; a best passage too long for it is shortened at a word")
    func budget() {
        let long = "Corvel was founded in 1442 " + String(repeating: "by settlers from the coast ", count: 20) + "."
        let digest = PageDigest(fetchOutput: fetched([long, "Corvel is a town."]), question: "When was Corvel founded?",
                                maximumCharacters: 200)
        #expect(digest.text.count <= 200)
        #expect(digest.passages.first?.hasPrefix("Corvel was founded in 1442") == true)
        #expect(digest.passages.first?.hasSuffix("…") == true)
    }

    @Test("output without a URL line is all text; cut notes are not passages")
    func plainOutput() {
        let digest = PageDigest(fetchOutput: "The museum opens at nine every day.\n[… truncated: 300 more characters]",
                                question: "When does the museum open?")
        #expect(digest.url == nil && digest.title == nil)
        #expect(digest.passages == ["The museum opens at nine every day."])
        #expect(digest.text == "The museum opens at nine every day.")
    }

    @Test("a page of short lines only is shown as it comes")
    func shortLinesOnly() {
        let digest = PageDigest(fetchOutput: fetched(["Open daily", "Free entry", "Open daily"]), question: "Is it open?")
        #expect(digest.passages == ["Open daily", "Free entry"])
    }

    @Test("answer types from the question's wording")
    func answerTypes() {
        #expect(AnswerType(question: "When was the bridge built?") == .date)
        #expect(AnswerType(question: "In what year did it open?") == .date)
        #expect(AnswerType(question: "The town was founded in?") == .date)
        #expect(AnswerType(question: "How many bridges cross the river?") == .quantity)
        #expect(AnswerType(question: "What is the population of Corvel?") == .quantity)
        #expect(AnswerType(question: "How many towns were founded before 1500?") == .quantity)
        #expect(AnswerType(question: "Who founded Corvel?") == .person)
        #expect(AnswerType(question: "Where is Corvel?") == .place)
        #expect(AnswerType(question: "Which river flows through Corvel?") == .name)
        #expect(AnswerType(question: "Which town has the largest population?") == .place)
        #expect(AnswerType(question: "Which company has the largest revenue?") == .name)
        #expect(AnswerType(question: "What is the area of Corvel?") == .quantity)
        #expect(AnswerType(question: "At what time does the museum open?") == .quantity)
        #expect(AnswerType(question: "Name the river that flows through Corvel.") == .name)
        #expect(AnswerType(question: "In which year was it built?") == .date)
        #expect(AnswerType(question: "What is the name of the bridge?") == .name)
        #expect(AnswerType(question: "What is Corvel known for?") == .unknown)
    }

    @Test("answer-type matches: years are not quantities, the subject is not a name")
    func answerTypeMatches() {
        let subject: Set<String> = ["corvel"]
        #expect(AnswerType.date.matches("It was built in 1871.", subject: subject))
        #expect(!AnswerType.date.matches("It has 95 bridges.", subject: subject))
        #expect(AnswerType.quantity.matches("It has 653,148 people.", subject: subject))
        #expect(!AnswerType.quantity.matches("It was built in 1871.", subject: subject))
        #expect(AnswerType.person.matches("Corvel was founded by Tom Baker.", subject: subject))
        #expect(AnswerType.person.matches("Mayor: Smith", subject: subject))
        #expect(!AnswerType.person.matches("Town: Corvel", subject: subject))
        #expect(AnswerType.longestName(in: "It lies on the river Mell, near Ann Holt's farm.", besides: subject) == 2)
        #expect(AnswerType.person.matches("Town: Lindau; Mayor: Ann Holt", subject: subject))
        #expect(!AnswerType.person.matches("Corvel is a town. In Corvel it rains in March.", subject: subject))
        #expect(AnswerType.numbers(in: "1,442 and 3.5, then 7.") == ["1,442", "3.5", "7"])
    }

    @Test("sentences end at . ! ? before a capital, not after initials or abbreviations")
    func sentences() {
        #expect(Passages.sentences(of: "Dr. Ann Holt met J. R. Baker at St. Mary's. It rained! Did it? Yes \"indeed.\" Then 3.5 km. 12 more.")
            == ["Dr. Ann Holt met J. R. Baker at St. Mary's.", "It rained!", "Did it?", "Yes \"indeed.\"", "Then 3.5 km.", "12 more."])
        #expect(Passages.sentences(of: "no capital. after this") == ["no capital. after this"])
    }

    @Test("a long passage is cut at a clause near the limit")
    func cutting() {
        let clause = String(repeating: "word ", count: 40) + "end, "
        let pieces = Passages.cut(clause + clause + "last")
        #expect(pieces.count == 2)
        #expect(pieces.allSatisfy { $0.count <= Passages.maximumLength })
        #expect(pieces[0].hasSuffix("end,"))
    }
}
