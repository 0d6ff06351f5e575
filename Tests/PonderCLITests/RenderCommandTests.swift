import Foundation
import Testing

/// `ponder render` as a user runs it: the exact prompt of a conversation.
struct RenderCommandTests {
    static let fixturePath = CommandLineTests.repositoryRoot.appendingPathComponent("Tests/InferenceTests/Fixtures/jinja-templates.json")

    func temporaryFile(_ name: String, _ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("the default model's template, exactly, with no newline added")
    func defaultModel() async throws {
        let messages = try temporaryFile("chat.json", #"[{"role": "user", "content": "What is 24 × 78?"}]"#)
        let result = try await CommandLineTests.run(["render", "--messages", messages, "--add-generation-prompt", "--model", CommandLineTests.modelPath])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == """
            <|im_start|>system
            You are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>
            <|im_start|>user
            What is 24 × 78?<|im_end|>
            <|im_start|>assistant

            """)
    }

    @Test("a template file with tools, a tool call and a switch renders as jinja2 does")
    func templateFileWithTools() async throws {
        // Qwen 3's template and the fixture's tool-call conversation, rendered by jinja2.
        let data = try Data(contentsOf: Self.fixturePath)
        let fixture = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let templates = try #require(fixture["templates"] as? [String: String])
        let cases = try #require(fixture["cases"] as? [[String: Any]])
        let expected = try #require(cases.first { $0["template"] as? String == "Qwen-Qwen3-0.6B" && $0["conversation"] as? String == "tool-call" }?["rendered"] as? String)
        let template = try temporaryFile("qwen3.jinja", try #require(templates["Qwen-Qwen3-0.6B"]))
        // The fixture's tool-call conversation, keys in its order (the template's tojson prints them).
        let body = #"{"messages": [{"role": "system", "content": "Use tools when they help."}, {"role": "user", "content": "What is 24*78?"}, {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "calculator", "arguments": {"expression": "24*78"}}}]}, {"role": "tool", "tool_call_id": "call_1", "name": "calculator", "content": "1872"}]}"#
        let tools = #"[{"function": {"description": "Evaluate an arithmetic expression exactly.", "name": "calculator", "parameters": {"properties": {"digits": {"default": 10, "type": "integer"}, "expression": {"type": "string"}}, "required": ["expression"], "type": "object"}}, "type": "function"}]"#
        let result = try await CommandLineTests.run([
            "render", "--template", template, "--messages", "-", "--tools", try temporaryFile("tools.json", tools),
            "--add-generation-prompt", "--eos", "<|im_end|>",
        ], input: body)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == expected)
        // enable_thinking=false opens the reply with an empty think block.
        let off = try await CommandLineTests.run([
            "render", "--template", template, "--messages", "-", "--add-generation-prompt", "--set", "enable_thinking=false",
        ], input: #"[{"role": "user", "content": "Hi"}]"#)
        #expect(off.standardOutput.hasSuffix("<|im_start|>assistant\n<think>\n\n</think>\n\n"), "\(off.standardOutput)")
    }

    @Test("bad input: what, where, what to do")
    func badInput() async throws {
        let messages = try temporaryFile("chat.json", #"[{"role": "user", "content": "Hi"}]"#)
        let both = try await CommandLineTests.run(["render", "--template", "x.jinja", "--model", CommandLineTests.modelPath, "--messages", messages])
        #expect(both.status == 2)
        #expect(both.standardError.contains("either --template or --model"))

        let broken = try temporaryFile("broken.json", #"[{"role": "user", "#)
        let badJSON = try await CommandLineTests.run(["render", "--messages", broken, "--model", CommandLineTests.modelPath])
        #expect(badJSON.status == 1)
        #expect(badJSON.standardError.contains("broken.json (--messages): malformed JSON"), "\(badJSON.standardError)")

        let unclosed = try temporaryFile("unclosed.jinja", "{% for message in messages %}\n{{ message.content }}\n")
        let syntax = try await CommandLineTests.run(["render", "--template", unclosed, "--messages", messages])
        #expect(syntax.status == 1)
        #expect(syntax.standardError.contains("template syntax error at line 2: the template ends before {% else / endfor %}"), "\(syntax.standardError)")

        let include = try temporaryFile("include.jinja", "{% include 'other.jinja' %}{{ messages }}")
        let unsupported = try await CommandLineTests.run(["render", "--template", include, "--messages", messages])
        #expect(unsupported.status == 1)
        #expect(unsupported.standardError.contains("uses {% include %}, which Ponder's Jinja interpreter does not support; Ponder renders this model's prompts as the generic family instead"), "\(unsupported.standardError)")

        let refusing = try temporaryFile("refuse.jinja", "{% if messages[0].role != 'system' %}{{ raise_exception('a system message must come first') }}{% endif %}")
        let refused = try await CommandLineTests.run(["render", "--template", refusing, "--messages", messages])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("the template refused the conversation: a system message must come first"))
    }

    @Test("a model whose template the interpreter rejects warns, naming the construct, and still runs")
    func rejectedTemplateWarns() async throws {
        let template = Array("{% include 'turns.jinja' %}{% for message in messages %}<|im_start|>{{ message.content }}{% endfor %}".utf8)
        let bytes = try HostileModelFileFuzzTests.tinyLlama().bytes(
            setting: "tokenizer.chat_template", type: 8, payload: HostileValue.littleEndian(UInt64(template.count)) + template)
        let path = try temporaryFile("template.gguf", "")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try await CommandLineTests.run(["generate", "--chat", "--model", path, "--prompt", "hi", "-n", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains(
            "warning: template line 1 uses {% include %}, which Ponder's Jinja interpreter does not support; Ponder renders this model's prompts as the chatml family instead"),
            "\(result.standardError)")
    }
}
