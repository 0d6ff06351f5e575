import AgentTools
import Foundation
import Testing
@testable import Agent

/// The bank in the repository's prompts/ folder.
private let repositoryBank = Result { try ExampleBank(prompts: repositoryPrompts) }

private func bank() throws -> ExampleBank { try repositoryBank.get() }

private func examples(of tool: String) throws -> [ExampleBank.Example] {
    try bank().examples.filter { $0.tool == tool }
}

/// A tool example's reply cut at its markers: "<tool>call</tool><result>result</result>\nanswer".
private struct Reply {
    let call: String
    let result: String
    let answer: String

    init?(_ example: ExampleBank.Example) {
        let tool = example.tool
        guard let open = example.reply.range(of: "<\(tool)>"),
              let close = example.reply.range(of: "</\(tool)><result>", range: open.upperBound..<example.reply.endIndex),
              let end = example.reply.range(of: "</result>\n", range: close.upperBound..<example.reply.endIndex)
        else { return nil }
        call = String(example.reply[open.upperBound..<close.lowerBound])
        result = String(example.reply[close.upperBound..<end.lowerBound])
        answer = String(example.reply[end.upperBound...])
    }
}

/// The numbers written in `text`, thousands separators dropped ("1,200" is 1200; in
/// "12, 47" the comma separates two numbers).
private func numbers(in text: String) -> [Decimal] {
    text.matches(of: /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/).compactMap {
        Decimal(string: $0.output.replacingOccurrences(of: ",", with: ""))
    }
}

/// Numbers a question may spell as words ("a dozen", "three quarters", "twice").
private let spelledNumbers: [String: Decimal] = [
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "dozen": 12, "half": 2, "twice": 2, "double": 2, "triple": 3, "third": 3, "thirds": 3,
    "quarter": 4, "quarters": 4,
]

/// The constants a call may use without the question writing them (percentages, squares, halves).
private let freeConstants: Set<Decimal> = [1, 2, 100]

// MARK: - The bank's contents

@Test func theBankHoldsEnoughExamplesOfEachKind() throws {
    let bank = try bank()
    #expect(bank.examples.count >= 120)
    let minimum = ["calc": 60, "fetch": 20, "python": 30, ExampleBank.noTool: 10]
    for (tool, least) in minimum {
        #expect(try examples(of: tool).count >= least, "\(tool)")
    }
    #expect(Set(bank.examples.map(\.tool)) == Set(minimum.keys))
    // No question is asked twice.
    #expect(Set(bank.examples.map(\.question)).count == bank.examples.count)
}

@Test(arguments: ["calc", "fetch", "python", "chat"])
func everyBankFileSaysWhatItIsFor(tool: String) throws {
    let text = try repositoryPrompts.text("\(ExampleBank.defaultFolder)/\(tool).md")
    #expect(text.hasPrefix("<!--"))
}

@Test func everyExampleIsShort() throws {
    for example in try bank().examples {
        #expect(example.question.count + example.reply.count <= 420, "\(example.question)")
    }
}

@Test func everyToolExampleMakesOneCallFollowedByItsResult() throws {
    for example in try bank().examples {
        var parser = MarkerStreamParser(format: .inline, tools: ["calc", "fetch", "python"])
        let events = parser.feed(example.reply) + parser.finish()
        let calls = events.compactMap { if case .call(let call) = $0 { call } else { nil } }
        if example.tool == ExampleBank.noTool {
            #expect(calls.isEmpty && !example.reply.contains("<"), "\(example.question)")
        } else {
            #expect(calls.count == 1 && calls.first?.closed == true && calls.first?.tool == example.tool, "\(example.question)")
            let reply = Reply(example)
            #expect(reply != nil && reply?.answer.isEmpty == false, "\(example.question)")
        }
    }
}

@Test func everyCalculationShowsTheCalculatorsResultAndTheAnswerRepeatsIt() throws {
    for example in try examples(of: "calc") {
        let reply = try #require(Reply(example), "\(example.question)")
        #expect((try? Calculator().evaluate(reply.call)) == reply.result, "\(reply.call)")
        #expect(reply.answer.contains(reply.result), "\(example.question)")
    }
}

@Test func everyCalculationUsesOnlyTheQuestionsNumbers() throws {
    for example in try examples(of: "calc") {
        let reply = try #require(Reply(example))
        let words = example.question.lowercased().split { !$0.isLetter }.map(String.init)
        let allowed = Set(numbers(in: example.question)).union(freeConstants).union(words.compactMap { spelledNumbers[$0] })
        for number in numbers(in: reply.call) {
            #expect(allowed.contains(number), "\(number) in \(reply.call) for \(example.question)")
        }
        #expect(!reply.call.contains(","), "\(reply.call) keeps a separator")
    }
}

@Test func everyFetchedPageIsShownAndTheAnswerCopiesItsFacts() throws {
    for example in try examples(of: "fetch") {
        let reply = try #require(Reply(example))
        #expect(example.question.contains(reply.call), "\(example.question)")
        #expect(reply.result.hasPrefix("URL: \(reply.call)\nTitle: "), "\(reply.call)")
        let page = try #require(reply.result.split(separator: "\n\n", maxSplits: 1).last)
        // Every figure of the answer is copied from the page as written there.
        for word in reply.answer.split(separator: " ") where word.contains(where: \.isNumber) {
            let figure = word.trimmingCharacters(in: CharacterSet(charactersIn: ".,;"))
            #expect(page.contains(figure), "\(figure) of \(reply.answer)")
        }
    }
}

@Test func everyPlotQuotesItsLabelsAndPlotsTheQuestionsNumbers() throws {
    for example in try examples(of: "python") {
        let reply = try #require(Reply(example))
        let code = reply.call.trimmingCharacters(in: .newlines)
        #expect(code.split(separator: "\n").count <= 8, "\(example.question)")
        #expect(reply.result.wholeMatch(of: /figure saved: figure-\d+\.png/) != nil, "\(reply.result)")
        let asked = Set(numbers(in: example.question))
        // A list holds numbers, all from the question, or quoted labels.
        for list in code.matches(of: /\[([^\[\]]*)\]/) {
            let items = list.output.1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if items.allSatisfy({ Decimal(string: $0) != nil && $0.first?.isNumber == true }) {
                for item in items { #expect(asked.contains(Decimal(string: item)!), "\(item) in \(example.question)") }
            } else {
                #expect(items.allSatisfy { $0.count >= 2 && $0.hasPrefix("\"") && $0.hasSuffix("\"") }, "\(list.output.0)")
            }
        }
        for labelling in ["xlabel(", "ylabel(", "title(", "label=", "labels="] {
            for range in code.ranges(of: labelling) {
                // A string, a list, or the list of labels the code starts with.
                let value = code[range.upperBound...]
                #expect(value.first.map { $0 == "\"" || $0 == "[" } == true || value.hasPrefix("labels"), "\(labelling) in \(example.question)")
            }
        }
    }
}

// MARK: - Retrieval

private let allTools = ["calc", "fetch", "python"]

@Test func aQuestionWithAnAddressRetrievesPageExamples() throws {
    let found = try bank().nearest(to: "What does https://news.test/today report about the election?", count: 3, tools: allTools)
    #expect(found.count == 3)
    #expect(found.allSatisfy { $0.tool == "fetch" }, "\(found.map(\.tool))")
}

@Test func aColumnChartRetrievesPlotExamples() throws {
    let found = try bank().nearest(to: "draw a column chart of cups sold: Monday 4, Tuesday 9, Friday 6", count: 3, tools: allTools)
    #expect(found.allSatisfy { $0.tool == "python" }, "\(found.map(\.tool))")
    // A column chart is drawn with vertical bars.
    #expect(found.last?.reply.contains("plt.bar(") == true, "\(found.last?.question ?? "")")
}

@Test func aPercentageRetrievesCalculations() throws {
    let found = try bank().nearest(to: "What is 17% of 3,900?", count: 3, tools: allTools)
    #expect(found.allSatisfy { $0.tool == "calc" }, "\(found.map(\.tool))")
    let greeting = try bank().nearest(to: "Hello, good morning!", count: 1, tools: allTools)
    #expect(greeting.map(\.tool) == [ExampleBank.noTool])
}

@Test func numbersDoNotDriveTheMatch() {
    #expect(ExampleBank.terms(of: "What is 1,250 + 37.5?") == ["plus"])
    #expect(ExampleBank.terms(of: "Take 15% off 80") == ["take", "off", "percent"])
    #expect(ExampleBank.terms(of: "see http://a.test/b?q=1") == ["see", "url"])
    // Names inside a sentence are data too; a text of nothing but names keeps them.
    #expect(ExampleBank.terms(of: "Plot Monday 4, Tuesday 9 as columns.") == ["plot", "column"])
    #expect(ExampleBank.terms(of: "Oslo") == ["oslo"])
    #expect(ExampleBank.terms(of: "Hey, what's up?") == ["hey", "up"])
    // Counting numbers, the first would share two terms with the question and win.
    let bank = ExampleBank(examples: [
        ExampleBank.Example(tool: "calc", question: "What is 12 times 34?", reply: "a"),
        ExampleBank.Example(tool: "calc", question: "Add 5 and 6.", reply: "b"),
    ])
    #expect(bank.nearest(to: "Add 12 and 34.", count: 1, tools: ["calc"]).map(\.reply) == ["b"])
}

@Test func onlyTheGivenToolsAndChatAreOffered() throws {
    let found = try bank().nearest(to: "Open https://example.com/prices and add 5% to the price", count: 6, tools: ["calc"])
    #expect(found.count == 6)
    #expect(found.allSatisfy { $0.tool == "calc" || $0.tool == ExampleBank.noTool }, "\(found.map(\.tool))")
    let none = try bank().nearest(to: "Plot a bar chart of 3, 4", count: 4, tools: [])
    #expect(none.allSatisfy { $0.tool == ExampleBank.noTool })
}

@Test func preferringAToolOffersOnlyItsExamples() throws {
    let found = try bank().nearest(to: "Hello! What is 20% of 50?", count: 4, tools: allTools, preferring: "python")
    #expect(found.count == 4 && found.allSatisfy { $0.tool == "python" })
    // A tool the bank has no examples of is no preference.
    let unknown = try bank().nearest(to: "What is 20% of 50?", count: 2, tools: allTools, preferring: "weather")
    #expect(unknown.allSatisfy { $0.tool == "calc" })
}

@Test func theBestMatchComesLastAndTheRestIsFilledInTurn() {
    let bank = ExampleBank(examples: [
        ExampleBank.Example(tool: "calc", question: "Add the apples.", reply: "calc 1"),
        ExampleBank.Example(tool: "calc", question: "Multiply the pears.", reply: "calc 2"),
        ExampleBank.Example(tool: "fetch", question: "Read the page about pears.", reply: "fetch 1"),
        ExampleBank.Example(tool: "python", question: "Plot the pears and the plums.", reply: "python 1"),
        ExampleBank.Example(tool: "chat", question: "Hello.", reply: "chat 1"),
    ])
    let ranked = bank.nearest(to: "plot pears plums", count: 2, tools: ["calc", "fetch", "python"])
    #expect(ranked.last?.reply == "python 1")
    #expect(ranked.count == 2 && ranked.first?.tool != "python")
    // Nothing matches: the first example of each tool in turn, then chat's.
    let filled = bank.nearest(to: "zebra", count: 5, tools: ["fetch", "calc"])
    #expect(filled.map(\.reply) == ["fetch 1", "calc 1", "chat 1", "calc 2"])
    #expect(bank.nearest(to: "pears", count: 0, tools: ["calc"]).isEmpty)
    // A tool named twice is offered once.
    #expect(bank.nearest(to: "zebra", count: 9, tools: ["calc", "calc", "chat"]).map(\.reply) == ["calc 1", "chat 1", "calc 2"])
}

@Test func aBankFileThatDoesNotAlternateIsAnError() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("example-bank-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("bank"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let prompts = PromptLibrary(directory: folder.path)
    try "## user\nHi\n## assistant\nHello\n".write(to: folder.appendingPathComponent("bank/chat.md"), atomically: true, encoding: .utf8)
    #expect(try ExampleBank(prompts: prompts, folder: "bank").examples == [ExampleBank.Example(tool: "chat", question: "Hi", reply: "Hello")])
    try "## user\nHi\n## user\nAgain\n".write(to: folder.appendingPathComponent("bank/calc.md"), atomically: true, encoding: .utf8)
    #expect(throws: PromptError.malformedExamples(file: "bank/calc.md", line: 3, reason: "each example is a '## user' section followed by a '## assistant' section")) {
        try ExampleBank(prompts: prompts, folder: "bank")
    }
    #expect(throws: PromptError.unreadable(path: folder.path + "/missing")) {
        try ExampleBank(prompts: prompts, folder: "missing")
    }
}

