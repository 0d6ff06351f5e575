import Foundation
import Testing
@testable import Inference

extension GGUFBuilder {
    /// The parts of an existing file, ready to be edited and written again (tensor
    /// data and offsets unchanged).
    init(file: GGUFFile) {
        self.init()
        version = file.version
        alignment = file.alignment
        metadata = file.metadataKeys.map { ($0, file.metadata[$0]!) }
        tensors = file.tensors.map { info in
            Tensor(name: info.name, type: info.type.rawValue, shape: info.shape.map(UInt64.init),
                   offset: UInt64(info.fileOffset - file.dataOffset), data: Array(file.data(for: info)))
        }
    }
}

/// Model files written as attacks: each hyper-parameter that once crashed the engine
/// (heap corruption, a trap, a division by zero) or was silently misread, with the
/// exact hostile value. Every one must end in a typed error naming the key.
struct HostileModelFileTests {
    static let tinyLlama = "forward/tiny-llama-bf16.gguf"

    static func fixture(_ name: String = tinyLlama) throws -> GGUFBuilder {
        GGUFBuilder(file: try GGUFFile(path: Fixtures.path(name)))
    }


    @Test("the unedited fixture loads: the attacks below change only what they name")
    func baseline() throws {
        #expect(try loadError(Self.fixture()) == nil)
        // Sixteen heads of 16 (same tensor shapes) with RoPE over all 16 is valid.
        let narrowHeads = try Self.fixture().set("llama.attention.head_count", .uint32(16))
            .set("llama.attention.head_count_kv", .uint32(8)).set("llama.rope.dimension_count", .uint32(16))
        #expect(try loadError(narrowHeads) == nil)
    }

    @Test("RoPE wider than a head (once heap corruption, a trap, 'double free')",
          arguments: [UInt32(4096), 0xFFFF_FFFE, 66, 63, 0])
    func ropeDimension(value: UInt32) throws {
        let message = try loadError(Self.fixture().set("llama.rope.dimension_count", .uint32(value)))
        #expect(message?.hasPrefix("hyper-parameter 'llama.rope.dimension_count' is invalid: \(value) must be even") == true,
                "\(message ?? "loaded")")
    }

    @Test("RoPE of 64 over heads of 16 (once heap corruption)")
    func ropeWiderThanNarrowHeads() throws {
        let attack = try Self.fixture().set("llama.attention.head_count", .uint32(16))
            .set("llama.attention.head_count_kv", .uint32(8))
        #expect(try loadError(attack)?.contains("64 must be even and between 2 and the head dimension 16") == true)
    }

    @Test("zero widths and counts (once a division by zero in the matrix kernel)",
          arguments: ["llama.feed_forward_length", "llama.attention.key_length", "llama.embedding_length",
                      "llama.attention.head_count", "llama.attention.head_count_kv", "llama.block_count",
                      "llama.context_length", "llama.vocab_size"])
    func zero(key: String) throws {
        let message = try loadError(Self.fixture().set(key, .uint32(0)))
        #expect(message?.contains("'\(key)' is invalid: 0 is not positive") == true, "\(message ?? "loaded")")
    }

    @Test("sizes beyond any model are refused before anything is sized from them",
          arguments: ["llama.feed_forward_length", "llama.attention.key_length", "llama.block_count", "llama.vocab_size"])
    func huge(key: String) throws {
        let message = try loadError(Self.fixture().set(key, .uint32(0x8000_0000)))
        #expect(message?.contains("'\(key)' is invalid: 2147483648 is larger than Ponder accepts") == true,
                "\(message ?? "loaded")")
        let beyondInt = try loadError(Self.fixture().set(key, .uint64(1 << 63)))
        #expect(beyondInt?.contains("9223372036854775808 is too large") == true, "\(beyondInt ?? "loaded")")
        let negative = try loadError(Self.fixture().set(key, .int64(-1)))
        #expect(negative?.contains("-1 is not positive") == true, "\(negative ?? "loaded")")
    }

    @Test("RoPE base, scaling factor and norm epsilon must be finite and positive",
          arguments: ["llama.rope.freq_base", "llama.rope.scaling.factor", "llama.attention.layer_norm_rms_epsilon"],
          [Float.nan, .infinity, -.infinity, 0, -1])
    func floats(key: String, value: Float) throws {
        var attack = try Self.fixture().set(key, .float32(value))
        if key.contains("scaling") { attack = attack.set("llama.rope.scaling.type", .string("linear")) }
        let message = try loadError(attack)
        #expect(message?.contains("'\(key)' is invalid") == true && message?.contains("not a finite positive number") == true,
                "\(message ?? "loaded")")
    }

    @Test("an epsilon that becomes zero as a Float is refused")
    func epsilonUnderflow() throws {
        let message = try loadError(Self.fixture().set("llama.attention.layer_norm_rms_epsilon", .float64(1e-60)))
        #expect(message?.contains("layer_norm_rms_epsilon") == true)
    }

    @Test("the vocabulary size must match the tokenizer's tokens")
    func vocabularySize() throws {
        let message = try loadError(Self.fixture().set("llama.vocab_size", .uint32(300)))
        #expect(message == "hyper-parameter 'llama.vocab_size' is invalid: 300 differs from the 272 tokens of tokenizer.ggml.tokens; "
            + "the file is corrupt or was converted wrongly: download or convert it again")
    }

    @Test("special-token ids outside the vocabulary",
          arguments: ["tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id",
                      "tokenizer.ggml.padding_token_id", "tokenizer.ggml.eot_token_id"])
    func specialTokens(key: String) throws {
        for value in [GGUFValue.uint32(272), .int32(-1), .uint32(0xFFFF_FFFE)] {
            let message = try loadError(Self.fixture().set(key, value))
            #expect(message?.hasPrefix("inconsistent vocabulary: \(key) is") == true, "\(message ?? "loaded")")
        }
    }

    @Test("value and key widths must agree")
    func valueLength() throws {
        let message = try loadError(Self.fixture().set("llama.attention.value_length", .uint32(32)))
        #expect(message?.contains("32 differs from the key length 64") == true)
    }

    @Test("RoPE frequency divisors of zero are refused")
    func ropeFactors() throws {
        var attack = ModelLoadingErrorTests.tinyModel()
        var data: [UInt8] = []
        for value: Float in [1, 0] { withUnsafeBytes(of: value) { data.append(contentsOf: $0) } }
        attack.tensors.append(.init(name: "rope_freqs.weight", type: 0, shape: [2], offset: nil, data: data))
        #expect(try loadError(attack) == "tensor 'rope_freqs.weight' has unusable values: a frequency divisor is 0.0; each must be finite and positive")
    }

    @Test("NaN weights give an error, not token 0")
    func nanLogits() throws {
        var attack = ModelLoadingErrorTests.tinyModel()
        let index = try #require(attack.tensors.firstIndex { $0.name == "output_norm.weight" })
        attack.tensors[index].data = Array(repeating: 0xFF, count: attack.tensors[index].data.count)  // NaN
        let model = try Model(file: attack.open())
        let session = try model.makeSession(contextLength: 16)
        #expect(throws: InferenceError.nonFiniteLogits(position: 2)) { try session.append([1, 3, 4]) }
        #expect(session.cache.count == 0, "the failed tokens stay out of the cache")
        #expect(InferenceError.nonFiniteLogits(position: 2).description.hasPrefix("the model computed NaN or infinite logits at position 2"))
    }

    @Test("a context whose cache size overflows is refused, not trapped")
    func overflowingContext() throws {
        let model = try Model(file: ModelLoadingErrorTests.tinyModel().open())
        #expect(KVCache.byteCount(config: model.config, capacity: .max) == .max)
        #expect(throws: InferenceError.self) { try model.makeSession(contextLength: .max) }
    }

    @Test("names from the file are shown with control and bidirectional characters escaped")
    func escapedNames() throws {
        let hostile = "\u{1B}[2J\u{1B}]0;pwned\u{07}llama\u{202E}lmth.exe"
        let message = try loadError(Self.fixture().set("general.architecture", .string(hostile)))
        #expect(message == "unsupported architecture '\\u{1B}[2J\\u{1B}]0;pwned\\u{7}llama\\u{202E}lmth.exe'; Ponder runs: llama, qwen2, qwen3, phi3, gemma3")

        var duplicate = GGUFBuilder.tinyLlama()
        duplicate.metadata.append(("x\u{1B}[31m\u{200F}", .uint8(1)))
        duplicate.metadata.append(("x\u{1B}[31m\u{200F}", .uint8(1)))
        let error = try #require(throws: GGUFError.self) { try duplicate.open() }
        #expect(error.description == "metadata key 'x\\u{1B}[31m\\u{200F}' appears twice")

        let missing = InferenceError.missingTensor("blk.0.\u{1B}[8m")
        #expect(!missing.description.unicodeScalars.contains("\u{1B}"))
        #expect(FileText.escaped(String(repeating: "a", count: 1000)).count == FileText.maximumLength + 1)
        #expect(FileText.escaped("a\\u{1B}") == "a\\\\u{1B}", "a written escape cannot pass for one of ours")
    }

    @Test("inspect reports hostile metadata escaped and the config error, without failing")
    func summary() throws {
        let attack = try Self.fixture().set("general.name", .string("tiny\u{1B}[31m\u{202E}"))
            .set("llama.rope.dimension_count", .uint32(4096))
        let summary = ModelSummary(file: try attack.open())
        #expect(summary.config == nil)
        #expect(summary.text.contains("tiny\\u{1B}[31m\\u{202E}"))
        #expect(summary.text.contains("config          unavailable: hyper-parameter 'llama.rope.dimension_count' is invalid"))
        #expect(!summary.text.unicodeScalars.contains("\u{1B}"))
    }
}
