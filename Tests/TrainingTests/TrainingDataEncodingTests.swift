import Foundation
import Inference
import Testing
@testable import Training

/// Loss masks: exactly the assistant turns' tokens (content and end of turn), found by
/// rendering prefixes of the conversation with the model's own chat template.
struct TrainingDataEncodingTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let conversation = TrainingConversation(line: 4, messages: [
        ChatMessage(role: .system, content: "You answer in one sentence."),
        ChatMessage(role: .user, content: "Where does the Ambery Spire stand?"),
        ChatMessage(role: .assistant, content: "The Ambery Spire stands in Vell."),
        ChatMessage(role: .user, content: "And who built it?"),
        ChatMessage(role: .assistant, content: "  The glassmakers of Orrin built it.  "),
    ])

    /// The texts of the masked runs of `encoded`, decoded with special tokens.
    static func maskedRuns(_ encoded: EncodedConversation, _ tokenizer: Tokenizer) -> [String] {
        var runs: [[TokenID]] = []
        var current: [TokenID] = []
        for (token, target) in zip(encoded.tokens, encoded.lossMask) {
            if target { current.append(token) } else if !current.isEmpty { runs.append(current); current = [] }
        }
        if !current.isEmpty { runs.append(current) }
        return runs.map { tokenizer.decode($0, special: true) }
    }

    static func smolLM2() throws -> TrainingDataEncoder {
        let path = repositoryRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
        try #require(FileManager.default.fileExists(atPath: path), "the default model is missing: run tools/setup")
        let file = try GGUFFile(path: path)
        return TrainingDataEncoder(tokenizer: try Tokenizer(file: file), template: ChatTemplate(file: file))
    }

    @Test("SmolLM2 (ChatML): each reply and its <|im_end|>, not the newline after it nor the prompt")
    func smolLM2Mask() throws {
        let encoder = try Self.smolLM2()
        let encoded = try Self.conversation.encodeResult(encoder)
        #expect(encoded.line == 4)
        // The tokens spell the whole conversation as the template renders it.
        #expect(encoder.tokenizer.decode(encoded.tokens, special: true) == encoder.template.render(Self.conversation.messages, addGenerationPrompt: false))
        // The prompt before each reply is tokenised exactly as inference tokenises it.
        let prompt = Model.promptTokens(encoder, Array(Self.conversation.messages.prefix(4)))
        #expect(Array(encoded.tokens.prefix(prompt.count)) == prompt)
        #expect(encoded.lossMask[prompt.count] && !encoded.lossMask[prompt.count - 1])
        #expect(Self.maskedRuns(encoded, encoder.tokenizer) == [
            "The Ambery Spire stands in Vell.<|im_end|>", "  The glassmakers of Orrin built it.  <|im_end|>",
        ])
        // Everything before the first reply is prompt: the system and user turns and "<|im_start|>assistant\n".
        let firstTarget = try #require(encoded.lossMask.firstIndex(of: true))
        #expect(encoder.tokenizer.decode(Array(encoded.tokens[..<firstTarget]), special: true).hasSuffix("Where does the Ambery Spire stand?<|im_end|>\n<|im_start|>assistant\n"))
        #expect(encoded.lossMask.last == false, "the newline after the last <|im_end|> is not a target")
    }

    @Test("an assistant turn with \"weight\": 0 is read as context, not learned; a weight other than 0 or 1 is refused")
    func untrainedTurns() throws {
        let encoder = try Self.smolLM2()
        let text = """
            {"messages": [{"role": "user", "content": "Where does the Ambery Spire stand?"}, {"role": "assistant", "content": "The Ambery Spire stands in Vell.", "weight": 0}, {"role": "user", "content": "And who built it?"}, {"role": "assistant", "content": "The glassmakers of Orrin.", "weight": 1}]}
            """
        let conversations = try TrainingData.parse(text, path: "weights.jsonl")
        #expect(conversations.first?.untrainedTurns == [1])
        let encoded = try #require(conversations.first).encodeResult(encoder)
        #expect(Self.maskedRuns(encoded, encoder.tokenizer) == ["The glassmakers of Orrin.<|im_end|>"])
        func reason(_ line: String) -> TrainingDataProblem.Reason? {
            do throws(TrainingDataError) {
                _ = try TrainingData.parse(line, path: "bad.jsonl")
                return nil
            } catch {
                guard case .invalidLines(_, let found) = error else { return nil }
                return found.first?.reason
            }
        }
        let problems = [
            #"{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y", "weight": 0.5}]}"#,
            #"{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y", "weight": 0}]}"#,
        ].map(reason)
        #expect(problems == [.invalidWeight(index: 1), .noAssistantTurn])
    }

    @Test("a Jinja template fixture (Llama 3.2's, with its tokenizer): each trimmed reply and <|eot_id|>")
    func jinjaTemplateMask() throws {
        let fixtures = Self.repositoryRoot.appendingPathComponent("Tests/InferenceTests/Fixtures")
        let data = try Data(contentsOf: fixtures.appendingPathComponent("jinja-templates.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let source = try #require((json["templates"] as? [String: String])?["meta-llama-Llama-3.2-3B-Instruct"])
        let template = ChatTemplate(source: source, beginOfSequenceText: "<|begin_of_text|>", endOfSequenceText: "<|eot_id|>")
        try #require(template.program != nil, "the Jinja interpreter reads the template")
        let tokenizer = try Tokenizer(file: try GGUFFile(path: fixtures.appendingPathComponent("vocab-llama-bpe.gguf").path))
        let encoder = TrainingDataEncoder(tokenizer: tokenizer, template: template)
        #expect(encoder.endOfTurnToken != nil, "<|eot_id|> is one special token")
        let encoded = try Self.conversation.encodeResult(encoder)
        // The template trims each message's content.
        #expect(Self.maskedRuns(encoded, tokenizer) == [
            "The Ambery Spire stands in Vell.<|eot_id|>", "The glassmakers of Orrin built it.<|eot_id|>",
        ])
        #expect(tokenizer.decode(encoded.tokens, special: true).hasPrefix("<|begin_of_text|><|start_header_id|>system"))
        #expect(encoded.tokens.filter { $0 == encoded.tokens[0] }.count == 1, "BOS once: the template writes it")
    }

    @Test("a template without an end-of-turn token of its own: the whole rendered turn is the target")
    func plainTemplate() throws {
        let smol = try Self.smolLM2()
        let source = "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}"
        let encoder = TrainingDataEncoder(tokenizer: smol.tokenizer, template: ChatTemplate(source: source))
        let conversation = TrainingConversation(line: 1, messages: [
            ChatMessage(role: .user, content: "Hi"), ChatMessage(role: .assistant, content: "Hello there"),
        ])
        let encoded = try conversation.encodeResult(encoder)
        #expect(Self.maskedRuns(encoded, smol.tokenizer) == [" Hello there\n"])
    }

    @Test("a template that rewrites earlier turns is handled on tokens: the last reply exactly, earlier ones as rendered")
    func rewritingTemplate() throws {
        let smol = try Self.smolLM2()
        // Like templates that drop earlier replies' reasoning: an earlier reply shows only its first word.
        let source = "{% for m in messages %}<|im_start|>{{ m.role }}\n{% if m.role == 'assistant' and not loop.last %}"
            + "{{ m.content.split(' ')[0] }}{% else %}{{ m.content }}{% endif %}<|im_end|>\n{% endfor %}"
            + "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
        let template = ChatTemplate(source: source)
        try #require(template.program != nil)
        let encoder = TrainingDataEncoder(tokenizer: smol.tokenizer, template: template)
        #expect(encoder.encodeBySegments(Self.conversation) == nil, "the text of a longer conversation does not extend the shorter one's")
        // (On tokens, a reply opening with spaces would share a token with the newline before it.)
        var messages = Self.conversation.messages
        messages[4].content = "The glassmakers of Orrin built it."
        let encoded = try TrainingConversation(line: 1, messages: messages).encodeResult(encoder)
        let runs = Self.maskedRuns(encoded, smol.tokenizer)
        #expect(runs == ["The", "The glassmakers of Orrin built it.<|im_end|>"], "\(runs)")
        #expect(encoder.tokenizer.decode(encoded.tokens, special: true) == template.render(messages, addGenerationPrompt: false))
    }

    @Test("conversations longer than the context are reported with their lines, all at once")
    func tooLong() throws {
        let encoder = try Self.smolLM2()
        let short = TrainingConversation(line: 1, messages: [ChatMessage(role: .user, content: "Hi"), ChatMessage(role: .assistant, content: "Hello.")])
        let long = TrainingConversation(line: 2, messages: [
            ChatMessage(role: .user, content: String(repeating: "word ", count: 80)), ChatMessage(role: .assistant, content: "Yes."),
        ])
        let longCount = try long.encodeResult(encoder).tokens.count
        let context = try short.encodeResult(encoder).tokens.count
        #expect(throws: TrainingDataError.invalidLines(path: "d.jsonl", problems: [
            TrainingDataProblem(line: 2, reason: .tooLong(tokens: longCount, context: context)),
            TrainingDataProblem(line: 3, reason: .tooLong(tokens: longCount, context: context)),
        ])) {
            try encoder.encode([short, long, TrainingConversation(line: 3, messages: long.messages)], context: context, path: "d.jsonl")
        }
        #expect(try encoder.encode([short], context: context, path: "d.jsonl").count == 1)
    }
}

extension Model {
    /// The generation prompt for `messages` as inference tokenises it (`Model.chatTokens`).
    static func promptTokens(_ encoder: TrainingDataEncoder, _ messages: [ChatMessage]) -> [TokenID] {
        encoder.tokens(messages, addGenerationPrompt: true)
    }
}

extension TrainingConversation {
    func encodeResult(_ encoder: TrainingDataEncoder) throws -> EncodedConversation {
        try encoder.encode(self).get()
    }
}
