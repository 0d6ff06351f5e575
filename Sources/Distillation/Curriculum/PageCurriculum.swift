/// Made-up pages about made-up places, each with several facts, and a question whose
/// answer is one of them. Names are drawn from syllables the evaluation's pages do not
/// use together, so no page of the curriculum is one of theirs.
enum PageCurriculum {
    static let syllables = ["tam", "vor", "quel", "mir", "osk", "dun", "bral", "pethe", "zan", "ulm", "rho", "ketter", "fane", "gisk"]

    /// A fact of a page: how the page states it, how a question asks for it, the value.
    struct Fact {
        var label: String
        var value: String
        var questions: [String]
    }

    static let questionWordings: [(name: String, text: @Sendable (String, String) -> String)] = [
        ("page-look", { url, ask in "Look at \(url) and tell me: \(ask)" }),
        ("page-read", { url, ask in "\(ask) The page is \(url)." }),
        ("page-according", { url, ask in "According to \(url), \(ask.prefix(1).lowercased() + ask.dropFirst())" }),
    ]

    static func items(count: Int, random: inout CurriculumRandom) -> [CurriculumItem] {
        (0..<count).map { index in
            let name = (random.pick(syllables) + random.pick(syllables)).capitalized
            let facts = [
                Fact(label: "Founded", value: String(random.int(1100...1950)), questions: ["In what year was \(name) founded?", "When was \(name) founded?"]),
                Fact(label: "Population", value: grouped(random.int(1_200...480_000)), questions: ["How many people live in \(name)?", "What is the population of \(name)?"]),
                Fact(label: "River", value: "the " + (random.pick(syllables) + random.pick(syllables)).capitalized, questions: ["Which river flows through \(name)?"]),
                Fact(label: "Average July temperature", value: "\(random.int(12...34)) °C", questions: ["How warm is \(name) in July on average?"]),
                Fact(label: "Mayor", value: random.pick(["Ilse", "Tomas", "Reva", "Oded", "Marta", "Kwame"]) + " " + (random.pick(syllables) + random.pick(syllables)).capitalized,
                     questions: ["Who is the mayor of \(name)?"]),
            ]
            let asked = random.pick(facts)
            let wording = random.pick(questionWordings)
            let file = name.lowercased() + "-\(index).html"
            let rows = facts.map { "<tr><th>\($0.label)</th><td>\($0.value)</td></tr>" }.joined(separator: "\n")
            let filler = "<p>\(name) is a small place known for its markets and its old bridge. Visitors come in summer for the festival.</p>"
            let html = """
                <!doctype html><html><head><title>\(name)</title></head><body>
                <h1>\(name)</h1>
                \(filler)
                <table>
                \(rows)
                </table>
                <p>See also the neighbouring towns of the valley.</p>
                </body></html>
                """
            return CurriculumItem(
                id: "page-\(index)", kind: .page, template: wording.name,
                question: wording.text("{base}/\(file)", random.pick(asked.questions)), expected: .text(value: asked.value),
                page: GeneratedPage(name: file, html: html))
        }
    }

    /// 12345 as "12,345", as the pages write populations.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }
}

/// Requests to plot given numbers, in wordings of the curriculum's own.
enum PlotCurriculum {
    static let wordings: [(name: String, text: @Sendable (String) -> String)] = [
        ("plot-draw-line", { "Draw a line plot of these readings: \($0)." }),
        ("plot-show-bars", { "Show these counts as bars: \($0)" }),
        ("plot-chart-values", { "Could you chart the values \($0)?" }),
        ("plot-visualise", { "Visualise \($0) as a line graph." }),
        ("plot-bar-sales", { "Weekly sales were \($0). Plot them as a bar chart." }),
    ]

    static func items(count: Int, random: inout CurriculumRandom) -> [CurriculumItem] {
        (0..<count).map { index in
            let values = (0..<random.int(3...9)).map { _ in random.int(1...250) }
            let wording = random.pick(wordings)
            return CurriculumItem(
                id: "plot-\(index)", kind: .plot, template: wording.name,
                question: wording.text(values.map(String.init).joined(separator: ", ")), expected: .plot(data: values.map(Double.init)))
        }
    }
}

/// Plain conversation turns: the base model's own replies are kept as references, so
/// training on tool use does not wear away how it chats.
enum ChatCurriculum {
    static let prompts = [
        "Hi! How are you today?", "Can you suggest a name for a grey cat?", "Give me a tip for sleeping better.",
        "What is a good way to start learning to cook?", "Tell me a fun fact about octopuses.",
        "How do I politely decline an invitation?", "Write a two-line poem about autumn.",
        "What should I pack for a weekend hike?", "Explain what a rainbow is in one sentence.",
        "Recommend a board game for four players.", "How can I stay focused while studying?",
        "What is the difference between weather and climate?",
    ]

    static func items(count: Int, random: inout CurriculumRandom) -> [CurriculumItem] {
        random.sample(prompts, count: min(count, prompts.count)).enumerated().map { index, prompt in
            CurriculumItem(id: "chat-\(index)", kind: .chat, template: "chat", question: prompt, expected: .reply)
        }
    }
}
