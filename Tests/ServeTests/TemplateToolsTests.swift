import Foundation
import Testing
import Agent
@testable import APIServer
@testable import Inference
import OpenAIAPI

/// A chat request with tools, rendered by a model's own template when it lays tools
/// out the Hermes way: the prompt equals what jinja2 prints for the same conversation.
struct TemplateToolsTests {
    struct Fixture: Decodable {
        let templates: [String: String]
        let cases: [Case]
    }

    struct Case: Decodable {
        let template: String
        let conversation: String
        let rendered: String?
    }

    static let fixturePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("InferenceTests/Fixtures/jinja-templates.json")

    /// The fixture's tool-call conversation as an OpenAI client sends it (arguments as a
    /// JSON string, the tool turn without the function's name).
    static let request = #"""
        {"model": "m", "messages": [
          {"role": "system", "content": "Use tools when they help."},
          {"role": "user", "content": "What is 24*78?"},
          {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "calculator", "arguments": "{\"expression\": \"24*78\"}"}}]},
          {"role": "tool", "tool_call_id": "call_1", "content": "1872"}],
         "tools": [{"type": "function", "function": {"name": "calculator", "description": "Evaluate an arithmetic expression exactly.",
           "parameters": {"type": "object", "properties": {"expression": {"type": "string"}, "digits": {"type": "integer", "default": 10}}, "required": ["expression"]}}}]}
        """#

    @Test("Qwen 2.5's template lays out the request's tools, call and result as jinja2 does")
    func qwenRendersTools() throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Self.fixturePath))
        let name = "Qwen-Qwen2.5-7B-Instruct"
        let expected = try #require(fixture.cases.first { $0.template == name && $0.conversation == "tool-call" }?.rendered)
        let template = ChatTemplate(source: try #require(fixture.templates[name]), beginOfSequenceText: "", endOfSequenceText: "<|im_end|>")
        #expect(template.rendersHermesTools)
        let body = try JSONDecoder().decode(ChatCompletionRequest.self, from: Data(Self.request.utf8))
        let prompt = try ChatPrompt(body, prompts: ChatPromptTests.prompts, templateRendersTools: true)
        let rendered = try template.renderProgram(variables: try #require(prompt.templateVariables), addGenerationPrompt: true)
        #expect(Array(rendered.unicodeScalars) == Array(expected.unicodeScalars))
        #expect(rendered.contains("<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"24*78\"}}\n</tool_call>"))
    }

    @Test("a template without tools (SmolLM2's) keeps Ponder's own tool section")
    func plainTemplateKeepsOwnSection() throws {
        let smolLM2 = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
        #expect(!ChatTemplate(source: smolLM2).rendersHermesTools)
        let body = try JSONDecoder().decode(ChatCompletionRequest.self, from: Data(Self.request.utf8))
        let prompt = try ChatPrompt(body, prompts: ChatPromptTests.prompts, templateRendersTools: false)
        #expect(prompt.templateVariables == nil)
        #expect(prompt.messages[0].content.contains("calculator"))
    }
}
