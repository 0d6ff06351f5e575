import Agent
@testable import APIServer
import Foundation
import Inference
import OpenAIAPI
@testable import RemoteModel
import Synchronization
import Testing

/// The server's parts without a socket: the queue, request reading, prompt layout,
/// call writing, and the stream parsing both sides share.
struct AdmissionQueueTests {
    @Test("one runs, `capacity` wait in order of arrival, the next is refused")
    func fifoAndRefusal() async throws {
        let queue = AdmissionQueue(capacity: 2)
        let first = try queue.admit()
        try await first.wait()
        let second = try queue.admit(), third = try queue.admit()
        #expect(throws: APIError.queueFull(waiting: 2)) { try queue.admit() }
        let order = PieceLog()
        let waiters = [(2, second), (3, third)].map { number, ticket in
            Task {
                try await ticket.wait()
                order.add("\(number)")
                ticket.finish()
            }
        }
        // Let both wait (third after second), then free the model.
        try await Task.sleep(for: .milliseconds(100))
        #expect(queue.load == (running: 1, waiting: 2))
        first.finish()
        for waiter in waiters { try await waiter.value }
        #expect(order.all == ["2", "3"])
        #expect(queue.load == (running: 0, waiting: 0))
    }

    @Test("a ticket dropped without finishing gives its place back")
    func droppedTicket() async throws {
        let queue = AdmissionQueue(capacity: 0)
        do {
            let ticket = try queue.admit()
            try await ticket.wait()
            #expect(queue.load == (running: 1, waiting: 0))
            #expect(throws: APIError.self) { try queue.admit() }
        }
        #expect(queue.load == (running: 0, waiting: 0))
        let next = try queue.admit()
        try await next.wait()
        next.finish()
    }

    @Test("a waiter that is cancelled leaves the queue and frees its place")
    func cancellation() async throws {
        let queue = AdmissionQueue(capacity: 1)
        let running = try queue.admit()
        try await running.wait()
        let waiting = try queue.admit()
        let task = Task { try await waiting.wait() }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        waiting.finish()
        let next = try queue.admit()
        running.finish()
        try await next.wait()
        next.finish()
        next.finish()
        #expect(queue.load == (running: 0, waiting: 0))
    }
}

struct RequestReadingTests {
    func message(_ json: String) -> String {
        do {
            _ = try RequestDecoding.decode(ChatCompletionRequest.self, from: Data(json.utf8))
            return "decoded"
        } catch {
            return error.message
        }
    }

    @Test("decoding errors name the field and what was expected")
    func decodingErrors() {
        #expect(message("{") == "the request body is not valid JSON")
        #expect(message("") == "the request has no body: send a JSON object")
        #expect(message("[]") == "the request body must be a JSON object")
        #expect(message(#"{"model": "m"}"#) == "missing required field 'messages'")
        #expect(message(#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": "hot"}"#)
            == "'temperature' has the wrong type: expected a number")
        #expect(message(#"{"model": "m", "messages": [{"role": "wizard", "content": "x"}]}"#)
            == "'messages[0].role' is not valid: expected one of system, developer, user, assistant, tool, got 'wizard'")
        #expect(message(#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "stop": 3}"#)
            == "'stop' is not valid: expected one value or an array of them")
        #expect(message(#"{"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}], "stop": "x"}"#)
            == "decoded")
    }

    @Test("sampling values out of range are refused with the field named")
    func sampling() throws {
        func request(temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil, stop: [String]? = nil, top: Int = 0) throws(APIError) -> GenerationOptions {
            try SamplingValidation.generationOptions(
                temperature: temperature, topP: topP, maxTokens: maxTokens, maxTokensField: "max_tokens", stop: stop, seed: 5,
                logProbabilities: top > 0, topAlternatives: top)
        }
        #expect(throws: APIError.self) { try request(temperature: -1) }
        #expect(throws: APIError.self) { try request(topP: 0) }
        #expect(throws: APIError.self) { try request(maxTokens: 0) }
        #expect(throws: APIError.self) { try request(stop: [""]) }
        #expect(throws: APIError.self) { try request(stop: Array(repeating: "x", count: 17)) }
        #expect(throws: APIError.self) { try request(top: 21) }
        let fine = try request(temperature: 0, topP: 0.5, maxTokens: 9, stop: ["a"], top: 3)
        #expect(fine.sampling.temperature == 0 && fine.sampling.topP == 0.5 && fine.maximumTokens == 9 && fine.sampling.seed == 5 && fine.alternatives == 3)
        #expect(fine.sampling.topK == 0 && fine.sampling.minP == 0 && fine.stopStrings == ["a"] && fine.logProbabilities)
        #expect(try request().sampling.temperature == 1)
        #expect(try request().maximumTokens == Int.max)
    }

    @Test("the engine's stop reasons in OpenAI's terms: finish_reason, and vLLM's stop_reason for a stop string")
    func stopReasons() {
        let reasons: [GenerationResult.StopReason] = [.endOfGeneration, .maximumTokens, .contextFull, .cancelled, .stopString("</a>")]
        #expect(reasons.map(\.finishReason) == ["stop", "length", "length", "stop", "stop"])
        #expect(reasons.map(\.stopReason) == [nil, nil, nil, nil, "</a>"])
    }

    @Test("model names: the file, its stem and 'ponder' run the engine; 'ponder-agent' the planner")
    func names() {
        let names = ModelNames(fileName: "Tiny.Q4_1.gguf")
        #expect(names.kind(of: "Tiny.Q4_1.gguf") == .engine && names.kind(of: "Tiny.Q4_1") == .engine && names.kind(of: "ponder") == .engine)
        #expect(names.kind(of: "ponder-agent") == .agent && names.kind(of: "gpt-4") == nil)
        #expect(APIKeyMiddleware.constantTimeEqual("key", "key") && !APIKeyMiddleware.constantTimeEqual("key", "kez")
            && !APIKeyMiddleware.constantTimeEqual("key", "key2"))
    }
}

struct ChatPromptTests {
    static let prompts = PromptLibrary(directory: ServeTestSupport.repositoryRoot.appendingPathComponent("prompts").path)
    static let weather = ToolDefinition(function: FunctionDefinition(
        name: "get_weather", description: "Weather",
        parameters: .object(["type": .string("object"), "properties": .object(["city": .object(["type": .string("string")])])])))

    @Test("serve-tools.md uses exactly the placeholders the server fills")
    func placeholders() throws {
        #expect(try Self.prompts.placeholders(in: "serve-tools.md") == ["tools"])
    }

    @Test("calls and results are laid out as Hermes blocks; a trailing assistant message is continued")
    func layout() throws {
        let call = ToolCallObject(id: "call_1", name: "get_weather", arguments: #"{"city": "Paris"}"#)
        var request = ChatCompletionRequest(model: "ponder", messages: [
            ChatCompletionMessage(role: .developer, content: "Be brief."),
            ChatCompletionMessage(role: .user, content: "Weather?"),
            ChatCompletionMessage(role: .assistant, content: nil, toolCalls: [call]),
            ChatCompletionMessage(role: .tool, content: "Sunny", toolCallID: "call_1"),
            ChatCompletionMessage(role: .assistant, content: "It is"),
        ], tools: [Self.weather])
        let prompt = try ChatPrompt(request, prompts: Self.prompts)
        #expect(prompt.assistantPrefix == "It is")
        #expect(prompt.choice == .auto && prompt.callOpenings == ["<tool_call>", "<get_weather>"])
        #expect(prompt.messages.map(\.role) == [.system, .user, .assistant, .user])
        #expect(prompt.messages[0].content.hasPrefix("Be brief.\n\nYou can call functions"))
        #expect(prompt.messages[0].content.contains(#"{"function":{"description":"Weather","name":"get_weather""#))
        #expect(prompt.messages[2].content == "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\":\"Paris\"}}\n</tool_call>")
        #expect(prompt.messages[3].content == "<tool_response>\nSunny\n</tool_response>")

        request.toolChoice = ToolChoice.none
        let plain = try ChatPrompt(request, prompts: Self.prompts)
        #expect(plain.tools.isEmpty && !plain.messages[0].content.contains("<tools>"))
    }

    @Test("tool_choice and tools are checked")
    func toolChecks() {
        let messages = [ChatCompletionMessage(role: .user, content: "Hi")]
        #expect(throws: APIError.self) {
            try ChatPrompt(ChatCompletionRequest(model: "p", messages: messages, toolChoice: .required), prompts: Self.prompts)
        }
        #expect(throws: APIError.self) {
            try ChatPrompt(ChatCompletionRequest(model: "p", messages: messages, tools: [Self.weather], toolChoice: .function("nope")), prompts: Self.prompts)
        }
        var badName = Self.weather
        badName.function.name = "has space"
        #expect(throws: APIError.self) { try ChatPrompt(ChatCompletionRequest(model: "p", messages: messages, tools: [badName]), prompts: Self.prompts) }
        #expect(throws: APIError.self) { try ChatPrompt(ChatCompletionRequest(model: "p", messages: []), prompts: Self.prompts) }
    }
}

struct ToolCallWriterTests {
    /// A writer whose model writes the given replies, one per generation, each cut at
    /// the first stop string (as the engine does).
    func writer(_ tools: [FunctionDefinition], replies: [String]) -> (ToolCallWriter, PieceLog) {
        let seen = PieceLog()
        let remaining = Mutex(replies)
        let writer = ToolCallWriter(tools: tools) { text, stops, _ in
            seen.add(text)
            var reply = remaining.withLock { $0.isEmpty ? "" : $0.removeFirst() }
            var finish = GenerationResult.StopReason.endOfGeneration
            if let stop = stops.compactMap({ stop in reply.range(of: stop).map { ($0, stop) } }).min(by: { $0.0.lowerBound < $1.0.lowerBound }) {
                reply = String(reply[..<stop.0.lowerBound])
                finish = .stopString(stop.1)
            }
            // One token per character.
            return GenerationResult(tokens: Array(repeating: 0, count: reply.count), text: reply, stopReason: finish)
        }
        return (writer, seen)
    }

    static let tools = [
        FunctionDefinition(name: "get_weather", parameters: .object([
            "type": .string("object"), "required": .array([.string("city"), .string("days")]),
            "properties": .object(["city": .object(["type": .string("string")]), "days": .object(["type": .string("integer")]),
                                   "unit": .object(["type": .string("string"), "enum": .array([.string("celsius"), .string("fahrenheit")])])]),
        ])),
        FunctionDefinition(name: "add", parameters: .object([
            "type": .string("object"),
            "properties": .object(["a": .object(["type": .string("number")]), "flag": .object(["type": .string("boolean")])]),
        ])),
    ]

    @Test("the model names the function and writes each required value; the JSON is built around them")
    func guided() async throws {
        let (writer, seen) = writer(Self.tools, replies: ["get_weathr\"", "Paris\" and more", "3 days}"])
        let call = try #require(try await writer.write(after: "<tool_call>", opening: "<tool_call>", name: nil, mustCall: false))
        #expect(call.function.name == "get_weather")
        #expect(call.function.arguments == #"{"city":"Paris","days":3}"#)
        #expect(seen.all == [
            "<tool_call>\n{\"name\": \"",
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"",
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": ",
        ])
        #expect(writer.generatedTokens == "get_weathr".count + "Paris".count + "3 days".count)
    }

    @Test("an inline marker names the function; numbers, booleans; a value that is no number fails the call")
    func inlineAndTypes() async throws {
        let (writer, _) = writer(Self.tools, replies: [" -2.5e1,", " true}"])
        let call = try await writer.write(after: "<add>", opening: "<add>", name: "add", mustCall: true)
        #expect(call?.function.arguments == #"{"a":-25,"flag":true}"#)
        let (failing, _) = self.writer(Self.tools, replies: ["many", "also not JSON"])
        #expect(try await failing.write(after: "<add>", opening: "<add>", name: "add", mustCall: false) == nil)
    }

    @Test("a forced call (tool_choice required or named) is always written, even when the model writes nothing usable")
    func forcedCallAlways() async throws {
        // Values of the wrong kind: each takes its type's empty value.
        let (wrongValues, _) = writer(Self.tools, replies: ["zzz\"", "\"", "many", "kelvin\""])
        let call = try #require(try await wrongValues.write(after: "<tool_call>", opening: "<tool_call>", name: nil, mustCall: true))
        #expect(call.function.name == "get_weather" && call.function.arguments == #"{"city":"","days":0}"#)
        // A shape the writer does not guide (an array), written as no JSON at all.
        let listed = FunctionDefinition(name: "sum", parameters: .object([
            "type": .string("object"), "required": .array([.string("values"), .string("unit")]),
            "properties": .object(["values": .object(["type": .string("array")]), "unit": .object(["enum": .array([.string("kg"), .string("g")])])]),
        ]))
        let (nothing, _) = writer([listed], replies: ["", "", "", ""])
        let empty = try #require(try await nothing.write(after: "<tool_call>", opening: "<tool_call>", name: "sum", mustCall: true))
        #expect(empty.function.arguments == #"{"unit":"kg","values":[]}"#)
        // Not forced: no call.
        let (free, _) = writer([listed], replies: ["", "", "", ""])
        #expect(try await free.write(after: "<tool_call>", opening: "<tool_call>", name: "sum", mustCall: false) == nil)
    }

    @Test("helpers: closest name, enum choice, leading numbers, the first JSON object")
    func helpers() {
        let writer = ToolCallWriter(tools: Self.tools) { _, _, _ in GenerationResult(stopReason: .endOfGeneration) }
        #expect(writer.closestName(to: "ad", mustCall: false) == "add")
        #expect(writer.closestName(to: "zzz", mustCall: false) == nil && writer.closestName(to: "zzz", mustCall: true) == "get_weather")
        #expect(ToolCallWriter.choose("Celsius", among: ["celsius", "fahrenheit"]) == "celsius")
        #expect(ToolCallWriter.choose("fahr", among: ["celsius", "fahrenheit"]) == "fahrenheit")
        #expect(ToolCallWriter.choose("kelvin", among: ["celsius", "fahrenheit"]) == nil)
        #expect(ToolCallWriter.leadingNumber(" 42 apples") == 42 && ToolCallWriter.leadingNumber("1e") == 1 && ToolCallWriter.leadingNumber("x") == nil)
        #expect(HermesToolCall.firstObject(in: #"junk {"a": "}{", "b": {"c": 1}} more}"#) == #"{"a": "}{", "b": {"c": 1}}"#)
        #expect(ToolCallReply.parseCall(#"{"name": "add", "arguments": "{\"a\": 1}"}"#)! == ("add", #"{"a":1}"#))
    }

    @Test("calls are read by Agent's Hermes reader: slips tolerated, arguments must be an object, written as sorted compact JSON")
    func callsFromTheOneReader() throws {
        #expect(try #require(ToolCallReply.parseCall(#"{"name": "add", "parameters": {"b": 1.5, "a": 1}}"#)) == ("add", #"{"a":1,"b":1.5}"#))
        #expect(try #require(ToolCallReply.parseCall("```json\n{\"name\": \"add\"}\n```")) == ("add", "{}"))
        #expect(try #require(ToolCallReply.parseCall(#"{"name": "f", "arguments": {"s": "caf\u00e9 \"}{\"", "l": [true, null]}}"#))
            == ("f", #"{"l":[true,null],"s":"café \"}{\""}"#))
        #expect(ToolCallReply.parseCall(#"{"name": "add", "arguments": "2+3"}"#) == nil)
        #expect(ToolCallReply.parseCall(#"{"name": "add", "arguments": [1]}"#) == nil)
        #expect(ToolCallReply.parseCall(#"{name: add}"#) == nil)
    }

    @Test("a reply with Hermes blocks: text before, calls to offered functions only")
    func reply() {
        let text = "Let me check.\n<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 2}}\n</tool_call><tool_call>{\"name\": \"rm\"}"
        let reply = ToolCallReply(text, tools: Self.tools) { "call_x" }
        #expect(reply.content == "Let me check.")
        #expect(reply.calls == [ToolCallObject(id: "call_x", name: "add", arguments: #"{"a":2}"#)])
        #expect(ToolCallReply("no calls here", tools: Self.tools).content == "no calls here")
    }
}

struct StreamParsingTests {
    @Test("server-sent events are found whatever the chunk boundaries; comments and other fields skipped")
    func events() {
        let stream = ": keep-alive\n\ndata: {\"a\":1}\n\nevent: x\ndata: line one\ndata: line two\r\n\r\ndata: [DONE]\n\n"
        let bytes = Array(stream.utf8)
        for size in [1, 3, 7, bytes.count] {
            var parser = ServerSentEventParser()
            var events: [String] = []
            for start in stride(from: 0, to: bytes.count, by: size) {
                events += parser.feed(bytes[start..<min(start + size, bytes.count)])
            }
            events += parser.finish()
            #expect(events == ["{\"a\":1}", "line one\nline two", "[DONE]"], "chunks of \(size)")
        }
        var unterminated = ServerSentEventParser()
        #expect(unterminated.feed(Array("data: tail".utf8)).isEmpty && unterminated.finish() == ["tail"])
    }

    @Test("the remote side holds back a possible stop string and cuts at a complete one")
    func stopWatcher() {
        var watcher = StopWatcher(["</calc>", "<result>"])
        #expect(watcher.feed("24*78</ca") == ("24*78", nil))
        #expect(watcher.feed("lc> and") == ("", "</calc>"))
        var other = StopWatcher(["</calc>"])
        #expect(other.feed("a <") == ("a ", nil))
        #expect(other.feed("b") == ("<b", nil))
        #expect(other.feed("<") == ("", nil))
        #expect(other.flush() == "<")
    }

    @Test("streamed events are read leniently: chat deltas, text chunks, vLLM's stop_reason, either logprobs shape")
    func streamedEvent() throws {
        let chat = try JSONDecoder().decode(StreamedEvent.self, from: Data(#"""
            {"choices": [{"delta": {"content": "Hi"}, "finish_reason": "stop", "stop_reason": "</calc>", "logprobs": {"content": [{"token": "Hi", "logprob": -0.5}]}}]}
            """#.utf8))
        #expect(chat.choices?.first?.newText == "Hi" && chat.choices?.first?.stopReason == "</calc>")
        #expect(chat.choices?.first?.logprobs?.values == [-0.5])
        let text = try JSONDecoder().decode(StreamedEvent.self, from: Data(#"""
            {"choices": [{"text": " Paris", "finish_reason": null, "stop_reason": 2, "logprobs": {"token_logprobs": [-1.25, null]}}]}
            """#.utf8))
        #expect(text.choices?.first?.newText == " Paris" && text.choices?.first?.stopReason == nil)
        #expect(text.choices?.first?.logprobs?.values == [-1.25])
    }
}

extension Error {
    /// The message of an `APIError`, or a description of any other error.
    var message: String { (self as? APIError)?.message ?? "\(self)" }
}
