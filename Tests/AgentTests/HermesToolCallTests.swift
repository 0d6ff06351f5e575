import Agent
import Testing

/// The one reader of Hermes calls, which the planner's stream parser and the
/// server's `tool_calls` both use.
struct HermesToolCallTests {
    @Test("a well-formed call: its name, its arguments as compact sorted JSON, the input a one-text tool gets")
    func wellFormed() throws {
        let call = try #require(HermesToolCall(reading: #"{"name": "calc", "arguments": {"input": "24*78", "note": "x"}}"#))
        #expect(call == HermesToolCall(name: "calc", arguments: #"{"input":"24*78","note":"x"}"#, input: "24*78"))
        // Without "input", the other names a one-text tool takes, then the first string by name.
        #expect(HermesToolCall(reading: #"{"name": "fetch", "arguments": {"retries": 2, "url": "http://a.b/"}}"#)?.input == "http://a.b/")
        #expect(HermesToolCall(reading: #"{"name": "f", "arguments": {"z": "last", "b": "first", "a": 1}}"#)?.input == "first")
        // Numbers, booleans, null and nesting survive the round trip.
        let typed = try #require(HermesToolCall(reading: #"{"name": "f", "arguments": {"n": -2.5e1, "k": 3, "t": true, "z": null, "o": {"l": [1, "a"]}}}"#))
        #expect(typed.arguments == #"{"k":3,"n":-25,"o":{"l":[1,"a"]},"t":true,"z":null}"#)
        #expect(typed.input == "")
    }

    @Test("whitespace, newlines and a Markdown fence around the JSON are ignored")
    func whitespace() {
        let expected = HermesToolCall(name: "calc", arguments: #"{"input":"1+1"}"#, input: "1+1")
        #expect(HermesToolCall(reading: "\n  {\n  \"name\" :\t\"calc\",\n  \"arguments\" : { \"input\" : \"1+1\" }\n}\n") == expected)
        #expect(HermesToolCall(reading: "```json\n{\"name\": \"calc\", \"arguments\": {\"input\": \"1+1\"}}\n```") == expected)
    }

    @Test("nested braces and braces inside strings: the first balanced object is the call, what follows it is ignored")
    func braces() {
        let block = #"{"name": "python", "arguments": {"code": "d = {'a': {1}}\nprint(\"}{\")"}} and then {"name": "other"}"#
        let call = HermesToolCall(reading: block)
        #expect(call?.name == "python")
        #expect(call?.input == "d = {'a': {1}}\nprint(\"}{\")")
        #expect(HermesToolCall.firstObject(in: #"junk {"a": "}{", "b": {"c": 1}} more}"#) == #"{"a": "}{", "b": {"c": 1}}"#)
        #expect(HermesToolCall.firstObject(in: #"{"a": "\"}"}"#) == #"{"a": "\"}"}"#)
        #expect(HermesToolCall.firstObject(in: #"{"a": {"b": 1}"#) == nil)
    }

    @Test("unicode escapes are decoded, surrogate pairs included; other characters pass unchanged")
    func unicode() {
        let call = HermesToolCall(reading: #"{"name": "search", "arguments": {"query": "caf\u00e9 \ud83d\ude00 \u4e2d"}}"#)
        #expect(call?.input == "café 😀 中")
        #expect(call?.arguments == #"{"query":"café 😀 中"}"#)
        #expect(HermesToolCall(reading: #"{"name": "\u0063alc", "arguments": {"input": "π/2"}}"#)?.name == "calc")
    }

    @Test("arguments as a JSON string, as `parameters`, missing, or not an object")
    func argumentShapes() {
        #expect(HermesToolCall(reading: #"{"name": "fetch", "arguments": "{\"url\": \"http://a.b/\"}"}"#)
            == HermesToolCall(name: "fetch", arguments: #"{"url":"http://a.b/"}"#, input: "http://a.b/"))
        #expect(HermesToolCall(reading: #"{"name": "add", "parameters": {"a": 1}}"#)?.arguments == #"{"a":1}"#)
        #expect(HermesToolCall(reading: #"{"name": "now"}"#) == HermesToolCall(name: "now", arguments: "{}", input: ""))
        #expect(HermesToolCall(reading: #"{"name": "now", "arguments": null}"#)?.arguments == "{}")
        // A plain string is the input of a one-text tool, but no arguments object.
        #expect(HermesToolCall(reading: #"{"name": "calc", "arguments": "2+3"}"#) == HermesToolCall(name: "calc", arguments: nil, input: "2+3"))
        #expect(HermesToolCall(reading: #"{"name": "calc", "arguments": [1, 2]}"#) == HermesToolCall(name: "calc", arguments: nil, input: ""))
        #expect(HermesToolCall(reading: #"{"name": "calc", "arguments": 5}"#)?.arguments == nil)
    }

    @Test("malformed blocks hold no call", arguments: [
        "", "calc 2+2", "{calc 2+2}", "{name: calc}", #"{"name": "calc", "arguments": {"input": "1"}"#,
        #"{"arguments": {"input": "1"}}"#, #"{"name": 7}"#, #"{"name": null}"#, #"["calc"]"#, #"{"name": "calc", "arguments": {"input": 'x'}}"#,
    ])
    func malformed(block: String) {
        #expect(HermesToolCall(reading: block) == nil)
    }

    @Test("a reply with several calls: the text before the first, each block, the last one unclosed")
    func severalCalls() throws {
        let reply = "Let me check.\n<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 2}}\n</tool_call> between "
            + "<tool_call>{\"name\": \"rm\"}</tool_call><tool_call>{\"name\": \"calc\", \"arguments\": {\"input\": \"1"
        let (text, blocks) = HermesToolCall.split(reply)
        #expect(text == "Let me check.\n")
        #expect(blocks.count == 3)
        let calls = blocks.map { HermesToolCall(reading: $0) }
        #expect(calls[0] == HermesToolCall(name: "add", arguments: #"{"a":2}"#, input: ""))
        #expect(calls[1] == HermesToolCall(name: "rm", arguments: "{}", input: ""))
        #expect(calls[2] == nil)
        let none = HermesToolCall.split("no calls here")
        #expect(none.text == "no calls here" && none.blocks.isEmpty)
    }

    @Test("the format is spelled once: markers, blocks and responses as the chat templates lay them out")
    func spelling() {
        #expect(ToolCallFormat.hermes.opening(for: "calc") == HermesToolCall.opening)
        #expect(ToolCallFormat.hermes.closing(for: "calc") == HermesToolCall.closing)
        #expect(HermesToolCall.opening == "<\(HermesToolCall.markerName)>" && HermesToolCall.closing == "</\(HermesToolCall.markerName)>")
        let block = HermesToolCall.block(name: "add", arguments: #"{"a":2}"#)
        #expect(block == "<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\":2}}\n</tool_call>")
        #expect(HermesToolCall.split(block).blocks.first.flatMap { HermesToolCall(reading: $0) }?.arguments == #"{"a":2}"#)
        #expect(HermesToolCall.response("1872") == "<tool_response>\n1872\n</tool_response>")
        #expect(MarkerEscaping.escaping(block + HermesToolCall.response("x")).components(separatedBy: "&lt;").count == 5)
    }
}
