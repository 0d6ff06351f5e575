import AgentTools
import Testing
@testable import Agent

/// The placeholders the program fills in each template.
private let filled: [String: Set<String>] = ["system.md": ["tools"], "system-hermes.md": ["tools"], "system-no-tools.md": []]

@Test(arguments: ["system.md", "system-hermes.md", "system-no-tools.md"])
func everyPlaceholderIsOneTheProgramFills(file: String) throws {
    let used = Set(try repositoryPrompts.placeholders(in: file))
    #expect(used == filled[file], "\(file) uses \(used.sorted())")
    let values = Dictionary(uniqueKeysWithValues: used.map { ($0, "VALUE") })
    let rendered = try repositoryPrompts.render(file, values)
    #expect(!rendered.contains("{{") && !rendered.contains("<!--"))
}

@Test func anUnknownPlaceholderIsAnError() {
    #expect(throws: PromptError.unknownPlaceholder(name: "mystery", file: "x.md")) {
        try PromptLibrary.fill("a {{mystery}} b", [:], file: "x.md")
    }
    #expect((try? PromptLibrary.fill("a {{ tools }} b", ["tools": "T"], file: "x.md")) == "a T b")
}

@Test(arguments: ["calc", "fetch", "python"])
func examplesAlternateAndTheirCallsParse(tool: String) throws {
    let messages = try repositoryPrompts.examples("examples/bank/\(tool).md")
    #expect(messages.count >= 2 && messages.count % 2 == 0)
    for (index, message) in messages.enumerated() {
        #expect(message.role == (index % 2 == 0 ? .user : .assistant))
        guard message.role == .assistant else { continue }
        var parser = MarkerStreamParser(format: .inline, tools: [tool])
        let events = parser.feed(message.content) + parser.finish()
        let calls = events.compactMap { if case .call(let call) = $0 { call } else { nil } }
        #expect(calls.count == 1 && calls[0].closed, "example \(index) of \(tool)")
        // The result follows the call exactly as the runtime appends it.
        #expect(message.content.contains("</\(tool)><result>"))
        #expect(message.content.contains("</result>\n"))
    }
}

@Test func theLayoutNamesEachToolOnceWithTheNearestExamples() throws {
    let layout = ConversationLayout(prompts: repositoryPrompts)
    let (messages, stable) = try layout.preamble(
        tools: [WebFetcher(), Calculator()], format: .inline, question: "What is 15% of the 2,400 visitors?")
    #expect(messages.first?.role == .system && stable == 1)
    #expect(messages.first?.content.contains("- <calc>…</calc>: Exact arithmetic") == true)
    #expect(messages.first?.content.contains("- <fetch>…</fetch>: Fetch a web page") == true)
    // A few examples, nearest last: a percentage question ends with a calculation.
    #expect(messages.count == 1 + 2 * ConversationLayout.examplesPerQuestion)
    #expect(messages.last?.content.contains("<calc>") == true)
    // Preferring a tool shows only its examples.
    let page = try layout.preamble(tools: [WebFetcher(), Calculator()], format: .inline, question: "Read https://example.org", preferring: "fetch")
    #expect(page.messages.dropFirst().filter { $0.role == .assistant }.allSatisfy { $0.content.hasPrefix("<fetch>") })
}

@Test func malformedExamplesNameTheLine() {
    #expect(throws: PromptError.malformedExamples(file: "e.md", line: 1, reason: "text before the first '## user' heading")) {
        try ExampleConversation.parse("hello\n## user\nhi", file: "e.md")
    }
    #expect(throws: PromptError.malformedExamples(file: "e.md", line: 2, reason: "unknown role 'robot' (use user, assistant or system)")) {
        try ExampleConversation.parse("## user\n## robot\nhi", file: "e.md")
    }
}
