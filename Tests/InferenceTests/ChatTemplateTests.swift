import Foundation
import Testing
@testable import Inference

/// Rendered prompts compared with what the Jinja templates print (rendered by
/// `tools/make-tokenizer-fixtures` with jinja2), and their ids with llama.cpp's.
struct ChatTemplateTests {
    struct Case: Decodable {
        let name: String
        let template: String
        let bos_token: String
        let eos_token: String
        let messages: [ChatMessage]
        let add_generation_prompt: Bool
        let rendered: String
        let vocab: String?
        let ids: [TokenID]?
    }

    static let cases: [Case] = (try? Fixtures.decode([Case].self, from: "chat-templates.json")) ?? []

    @Test("fixtures cover every family")
    func coverage() {
        let families = Set(Self.cases.map { ChatTemplate(source: $0.template).family })
        #expect(families == [.chatML, .llama3, .llama2, .mistral, .gemma])
    }

    @Test("rendering equals the Jinja template's output", arguments: cases.map(\.name))
    func rendersLikeJinja(name: String) throws {
        let testCase = try #require(Self.cases.first { $0.name == name })
        let template = ChatTemplate(
            source: testCase.template, beginOfSequenceText: testCase.bos_token, endOfSequenceText: testCase.eos_token)
        let rendered = template.render(testCase.messages, addGenerationPrompt: testCase.add_generation_prompt)
        #expect(rendered == testCase.rendered)
        #expect(Array(rendered.unicodeScalars) == Array(testCase.rendered.unicodeScalars))
    }

    @Test("rendered prompts tokenize to llama.cpp's ids",
          arguments: cases.filter { $0.vocab != nil }.map(\.name))
    func tokenizesLikeLlamaCpp(name: String) throws {
        let testCase = try #require(Self.cases.first { $0.name == name })
        let file = try Fixtures.openVocabulary(try #require(testCase.vocab))
        let tokenizer = try Tokenizer(file: file)
        let template = ChatTemplate(
            source: testCase.template, beginOfSequenceText: testCase.bos_token, endOfSequenceText: testCase.eos_token)
        let rendered = template.render(testCase.messages, addGenerationPrompt: testCase.add_generation_prompt)
        #expect(tokenizer.encode(rendered, addSpecial: false, parseSpecial: true) == testCase.ids)
    }

    @Test("SmolLM2's template is ChatML with its default system message")
    func defaultModelTemplate() throws {
        let template = ChatTemplate(file: try GGUFFile(path: Fixtures.defaultModelPath))
        #expect(template.family == .chatML)
        #expect(template.defaultSystemMessage == "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        #expect(!template.rendersBeginOfSequence)
        let prompt = template.render([ChatMessage(role: .user, content: "What is 24 × 78?")])
        #expect(prompt == """
            <|im_start|>system
            You are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>
            <|im_start|>user
            What is 24 × 78?<|im_end|>
            <|im_start|>assistant

            """)
    }

    @Test("a file without a template falls back to ChatML without a system message")
    func genericFallback() {
        let template = ChatTemplate(source: nil)
        #expect(template.family == .generic)
        #expect(template.render([ChatMessage(role: .user, content: "hi")]) == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test("Gemma folds a system message into the first user turn")
    func gemmaSystemMessage() {
        let template = ChatTemplate(source: "{{ '<start_of_turn>' }}", beginOfSequenceText: "<bos>")
        let prompt = template.render([
            ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Hi"),
        ])
        #expect(prompt == "<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\n")
    }
}
