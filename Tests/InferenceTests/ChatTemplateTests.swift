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
        #expect(template.program != nil, "the Jinja interpreter reads the template")
        #expect(rendered == testCase.rendered)
        #expect(Array(rendered.unicodeScalars) == Array(testCase.rendered.unicodeScalars))
        // The recognised family, the fallback for templates the interpreter rejects, agrees.
        let family = template.renderFamily(testCase.messages, addGenerationPrompt: testCase.add_generation_prompt)
        #expect(Array(family.unicodeScalars) == Array(testCase.rendered.unicodeScalars))
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
        // No messages: the fixed start a prompt cache keeps, the default system turn.
        #expect(template.render([], addGenerationPrompt: false)
            == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n")
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

    // MARK: - Templates by family, without a model file

    static let conversation = [
        ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Hi"),
        ChatMessage(role: .assistant, content: "Hello!"), ChatMessage(role: .user, content: "2+2?"),
    ]

    /// `conversation` with a generation prompt, in each family's format.
    static let renderedByFamily: [ChatTemplate.Family: String] = [
        .chatML: "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
            + "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n",
        .generic: "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
            + "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n",
        .llama3: "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\n2+2?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
        .llama2: "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s>[INST] 2+2? [/INST]",
        .mistral: "<s>[INST] Be brief.\n\nHi [/INST]Hello!</s>[INST] 2+2? [/INST]",
        .gemma: "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n"
            + "<start_of_turn>user\n2+2?<end_of_turn>\n<start_of_turn>model\n",
    ]

    @Test("ChatTemplate(family:) renders each family's format", arguments: ChatTemplate.Family.allCases)
    func familyTemplate(family: ChatTemplate.Family) throws {
        let template = ChatTemplate(family: family)
        #expect(template.family == family)
        #expect(template.source == nil)
        #expect(template.defaultSystemMessage == nil)
        #expect(template.render(Self.conversation) == (try #require(Self.renderedByFamily[family])))
        #expect(template.rendersBeginOfSequence == [.llama3, .llama2, .mistral].contains(family))
    }

    @Test("a family renders as a template recognised by that family's markers, with its BOS and EOS",
          arguments: [
            (ChatTemplate.Family.chatML, "<|im_start|>", "", ""),
            (.llama3, "<|start_header_id|><|end_header_id|>", "<|begin_of_text|>", "<|eot_id|>"),
            (.llama2, "[INST] <<SYS>>", "<s>", "</s>"), (.mistral, "[INST]", "<s>", "</s>"),
            (.gemma, "<start_of_turn>", "", ""), (.generic, nil, "", ""),
          ] as [(ChatTemplate.Family, String?, String, String)])
    func familyMatchesRecognised(family: ChatTemplate.Family, markers: String?, begin: String, end: String) {
        let byFamily = ChatTemplate(family: family)
        let recognised = ChatTemplate(source: markers, beginOfSequenceText: begin, endOfSequenceText: end)
        #expect(recognised.family == family)
        #expect(byFamily.beginOfSequenceText == begin)
        #expect(byFamily.endOfSequenceText == end)
        for conversation in [Self.conversation, Array(Self.conversation.dropFirst())] {
            for addGenerationPrompt in [true, false] {
                #expect(byFamily.render(conversation, addGenerationPrompt: addGenerationPrompt)
                    == recognised.render(conversation, addGenerationPrompt: addGenerationPrompt))
            }
        }
    }

    @Test("each family's end-of-turn text")
    func endOfTurn() throws {
        let expected: [ChatTemplate.Family: String] = [
            .chatML: "<|im_end|>", .generic: "<|im_end|>", .llama3: "<|eot_id|>",
            .llama2: "</s>", .mistral: "</s>", .gemma: "<end_of_turn>",
        ]
        for family in ChatTemplate.Family.allCases {
            #expect(family.endOfTurnText == expected[family])
            #expect(ChatTemplate(family: family).endOfTurnText == expected[family])
        }
        let smolLM2 = ChatTemplate(file: try GGUFFile(path: Fixtures.defaultModelPath))
        #expect(smolLM2.endOfTurnText == "<|im_end|>")
    }
}
