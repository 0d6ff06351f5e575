import Testing
@testable import Agent

/// Feeds `text` to a parser in chunks of `size` characters and collects the events.
private func parse(_ text: String, chunk size: Int, format: ToolCallFormat = .inline, tools: [String] = ["calc", "fetch", "python"])
    -> [MarkerStreamParser.Event]
{
    var parser = MarkerStreamParser(format: format, tools: tools)
    var events: [MarkerStreamParser.Event] = []
    var rest = Substring(text)
    while !rest.isEmpty {
        events += parser.feed(String(rest.prefix(size)))
        rest = rest.dropFirst(size)
    }
    return events + parser.finish()
}

/// The text events joined, and the calls.
private func summary(_ events: [MarkerStreamParser.Event]) -> (text: String, calls: [ToolCall]) {
    var text = ""
    var calls: [ToolCall] = []
    for event in events {
        if case .text(let piece) = event { text += piece }
        if case .call(let call) = event { calls.append(call) }
    }
    return (text, calls)
}

@Test(arguments: [1, 2, 3, 5, 100])
func markersAreSeparatedFromTextWhateverTheChunking(size: Int) {
    let (text, calls) = summary(parse("Let me see. <calc>24*78</calc> So 3 < 4 and a<b.", chunk: size))
    #expect(text == "Let me see.  So 3 < 4 and a<b.")
    #expect(calls == [ToolCall(tool: "calc", input: "24*78")])
}

@Test func partialMarkersAreHeldBackUntilTheyAreDecided() {
    var parser = MarkerStreamParser(format: .inline, tools: ["calc"])
    #expect(parser.feed("Answer <ca") == [.text("Answer ")])
    #expect(parser.feed("lc>1+") == [.opened(tool: "calc")])
    #expect(parser.feed("1</ca") == [])
    #expect(parser.feed("lc>ok <c") == [.call(ToolCall(tool: "calc", input: "1+1")), .text("ok ")])
    #expect(parser.feed("at") == [.text("<cat")])
}

@Test func smallModelSlipsAreTolerated() {
    let fenced = summary(parse("<python>\n```python\nprint(1)\n```\n</python>", chunk: 4)).calls
    #expect(fenced == [ToolCall(tool: "python", input: "print(1)")])
    let spaced = summary(parse("<calc>  24 * 78 \n</calc>", chunk: 3)).calls
    #expect(spaced == [ToolCall(tool: "calc", input: "24 * 78")])
    let unclosed = summary(parse("<calc>2+2</cal", chunk: 2)).calls
    #expect(unclosed == [ToolCall(tool: "calc", input: "2+2", closed: false)])
}

@Test func anInventedResultEndsTheText() {
    let events = parse("<calc>2+2</calc><result>5</result> It is 5.", chunk: 3)
    #expect(events.contains(.inventedResult))
    #expect(summary(events).text == "")
}

@Test func hermesCallsAreReadFromJSON() {
    let text = #"Sure.<tool_call>{"name": "calc", "arguments": {"input": "24*78"}}</tool_call>"#
    let (shown, calls) = summary(parse(text, chunk: 7, format: .hermes))
    #expect(shown == "Sure.")
    #expect(calls == [ToolCall(tool: "calc", input: "24*78")])
    let stringArguments = #"<tool_call>{"name": "fetch", "arguments": "{\"url\": \"http://a.b/\"}"}</tool_call>"#
    #expect(summary(parse(stringArguments, chunk: 5, format: .hermes)).calls == [ToolCall(tool: "fetch", input: "http://a.b/")])
    let broken = parse("<tool_call>{name: calc}</tool_call>", chunk: 4, format: .hermes)
    #expect(broken.contains(.malformedCall("{name: calc}")))
}
