import Testing
@testable import Inference

/// The splitting rules on their own, one example per rule (the fixtures check them
/// wholesale against llama.cpp).
struct PreTokenizerTests {
    @Test("GPT-2 / SmolLM rules")
    func smollm() throws {
        let smollm = try PreTokenizer(name: "smollm")
        #expect(smollm.words("Hello world's 2024!!  x\n\ny") == ["Hello", " world", "'s", " ", "2", "0", "2", "4", "!!", " ", " x", "\n", "\n", "y"])
        let gpt2 = try PreTokenizer(name: "gpt-2")
        #expect(gpt2.words("in 2024   ") == ["in", " 2024", "   "])
    }

    @Test("Llama 3 rules: letters take one leading symbol, numbers go in threes")
    func llama3() throws {
        let llama3 = try PreTokenizer(name: "llama-bpe")
        #expect(llama3.words("\"Hello\" 1234567 IT'S\n\n  ok") == ["\"Hello", "\"", " ", "123", "456", "7", " IT", "'S", "\n\n", " ", " ok"])
        let qwen2 = try PreTokenizer(name: "qwen2")
        #expect(qwen2.words("x=123") == ["x", "=", "1", "2", "3"])
    }

    @Test("combining marks and other scripts")
    func unicode() throws {
        let llama3 = try PreTokenizer(name: "llama-bpe")
        // U+0301 is a mark, not a letter: it ends the word.
        #expect(llama3.words("cafe\u{301} 日本") == ["cafe", "\u{301}", " 日本"])
    }

    @Test("unknown pre-tokenizers are named in the error")
    func unknown() {
        #expect(throws: TokenizerError.unsupportedPreTokenizer("klingon")) { try PreTokenizer(name: "klingon") }
    }
}
