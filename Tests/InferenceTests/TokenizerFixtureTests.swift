import Foundation
import Testing
@testable import Inference

/// Token ids and decoded text compared with llama.cpp's, from fixtures made by
/// `tools/make-tokenizer-fixtures`.
struct TokenizerFixtureTests {
    struct Case: Decodable {
        let text: String
        let add_special: Bool
        let parse_special: Bool
        let ids: [TokenID]
        let detokenized: String
    }

    struct Fixture: Decodable {
        let vocab: String
        let cases: [Case]
    }

    static let fixtureNames = [
        "tokenizer-smollm2.json", "tokenizer-llama-bpe.json", "tokenizer-qwen2.json", "tokenizer-llama-spm.json",
    ]

    @Test("token ids equal llama.cpp's", arguments: fixtureNames)
    func idsMatchReference(fixtureName: String) throws {
        let fixture = try Fixtures.decode(Fixture.self, from: fixtureName)
        let tokenizer = try Tokenizer(file: Fixtures.openVocabulary(fixture.vocab))
        #expect(fixture.cases.count >= 600)
        var mismatches = 0
        for testCase in fixture.cases {
            let ids = tokenizer.encode(testCase.text, addSpecial: testCase.add_special, parseSpecial: testCase.parse_special)
            if ids != testCase.ids {
                mismatches += 1
                if mismatches <= 10 {
                    Issue.record("""
                        \(fixtureName): \(testCase.text.debugDescription) (special: \(testCase.parse_special))
                          expected \(testCase.ids)
                          got      \(ids)
                        """)
                }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(fixture.cases.count) cases differ")
    }

    @Test("decoded text equals llama.cpp's", arguments: fixtureNames)
    func decodingMatchesReference(fixtureName: String) throws {
        let fixture = try Fixtures.decode(Fixture.self, from: fixtureName)
        let tokenizer = try Tokenizer(file: Fixtures.openVocabulary(fixture.vocab))
        var mismatches = 0
        for testCase in fixture.cases {
            var bytes = testCase.ids.flatMap { tokenizer.piece($0, special: testCase.parse_special) }
            // The reference drops the space a SentencePiece prefix added after BOS.
            if testCase.ids.first == tokenizer.vocabulary.beginOfSequence, bytes.first == 0x20 { bytes.removeFirst() }
            let text = String(decoding: bytes, as: UTF8.self)
            if text != testCase.detokenized {
                mismatches += 1
                if mismatches <= 10 {
                    Issue.record("\(fixtureName): \(testCase.ids) decoded to \(text.debugDescription), expected \(testCase.detokenized.debugDescription)")
                }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("byte-level BPE round-trips every test string")
    func byteLevelRoundTrip() throws {
        let strings = try Fixtures.decode([String].self, from: "tokenizer-strings.json")
        #expect(strings.count >= 300)
        let tokenizer = try Tokenizer(file: Fixtures.openVocabulary("SmolLM2-135M-Instruct.Q4_1.gguf"))
        for text in strings {
            #expect(tokenizer.decode(tokenizer.encode(text, addSpecial: false), special: true) == text)
        }
    }
}
