import Testing
@testable import Inference

struct StreamingDetokenizerTests {
    @Test("a character split across tokens is held back until complete")
    func holdsBackPartialCharacters() throws {
        let tokenizer = try Tokenizer(file: GGUFFile(path: Fixtures.defaultModelPath))
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        let text = "Emoji 👩🏻‍💻 and 日本語 — done"
        var streamed = ""
        for id in tokenizer.encode(text, addSpecial: false) {
            let chunk = detokenizer.append(id)
            // Every chunk is whole characters: re-encoding gives the same bytes.
            #expect(!chunk.unicodeScalars.contains("\u{FFFD}"))
            streamed += chunk
        }
        streamed += detokenizer.flush()
        #expect(streamed == text)
    }

    @Test("raw bytes: complete prefixes only, invalid bytes become U+FFFD")
    func rawBytes() throws {
        let tokenizer = try Tokenizer(file: GGUFFile(path: Fixtures.path("vocab-llama-spm.gguf")))
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        #expect(detokenizer.append(bytes: [0x41, euro[0]]) == "A")
        #expect(detokenizer.append(bytes: [euro[1]]) == "")
        #expect(detokenizer.append(bytes: [euro[2], 0x42]) == "€B")
        #expect(detokenizer.append(bytes: [0xFF]) == "\u{FFFD}")
        #expect(detokenizer.append(bytes: [0xF0, 0x9F]) == "")
        #expect(detokenizer.flush() == "\u{FFFD}")
        #expect(detokenizer.flush() == "")
    }

    @Test("SentencePiece byte tokens stream into one character")
    func byteTokens() throws {
        let tokenizer = try Tokenizer(file: GGUFFile(path: Fixtures.path("vocab-llama-spm.gguf")))
        let ids = tokenizer.encode("각", addSpecial: false)  // not in the trimmed vocabulary: byte fallback
        #expect(ids.count >= 3)
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        let chunks = ids.map { detokenizer.append($0) }
        #expect(chunks.joined() == " 각")
        #expect(chunks.filter { !$0.isEmpty }.count <= 2)
    }
}
