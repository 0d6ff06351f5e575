import Foundation
import Testing
@testable import Inference

/// Reading well-formed GGUF files: synthetic ones and the real default model.
struct GGUFReaderTests {
    @Test("a synthetic file reads back metadata, tensors and data")
    func readsSyntheticFile() throws {
        let file = try GGUFBuilder.tinyLlama().open()
        #expect(file.version == 3)
        #expect(file.metadataKeys.first == "general.architecture")
        #expect(try file.string("general.name") == "tiny")
        #expect(try file.integer("llama.block_count") == 1)
        #expect(try file.stringArray("tokenizer.ggml.tokens")?.count == 5)
        #expect(file.tensors.map(\.name) == ["token_embd.weight", "output_norm.weight"])
        let embedding = try #require(file.tensorsByName["token_embd.weight"])
        #expect(embedding.shape == [8, 5])
        #expect(embedding.byteCount == 160)
        #expect(file.data(for: embedding).allSatisfy { $0 == 1 })
        #expect(file.data(for: file.tensorsByName["output_norm.weight"]!).allSatisfy { $0 == 2 })
        #expect(file.dataOffset % 32 == 0)
    }

    @Test("every metadata value type round-trips, arrays of arrays included")
    func allValueTypes() throws {
        let values: [(String, GGUFValue)] = [
            ("u8", .uint8(200)), ("i8", .int8(-100)), ("u16", .uint16(60000)), ("i16", .int16(-30000)),
            ("u32", .uint32(4_000_000_000)), ("i32", .int32(-2_000_000_000)),
            ("u64", .uint64(.max)), ("i64", .int64(.min)), ("f32", .float32(1.5)), ("f64", .float64(-2.25)),
            ("bool", .bool(true)), ("string", .string("héllo 👋")),
            ("nested", .array(elementType: .array, values: [
                .array(elementType: .uint8, values: [.uint8(1), .uint8(2)]),
                .array(elementType: .string, values: [.string("x")]),
            ])),
        ]
        var builder = GGUFBuilder()
        builder.metadata = values.map { (key: $0.0, value: $0.1) }
        let file = try builder.open()
        for (key, value) in values {
            #expect(file.metadata[key] == value, "\(key)")
        }
        #expect(file.tensors.isEmpty)
        // UInt64.max does not fit in Int: reading it as an integer is an error, not a wrap.
        #expect(throws: GGUFError.invalidValue(key: "u64", reason: "18446744073709551615 is too large for a count or size")) {
            try file.integer("u64")
        }
    }

    @Test("GGUF version 2 files are read too")
    func version2() throws {
        var builder = GGUFBuilder.tinyLlama()
        builder.version = 2
        #expect(try builder.open().version == 2)
    }

    @Test("a custom alignment is honoured")
    func customAlignment() throws {
        var builder = GGUFBuilder.tinyLlama().set("general.alignment", .uint32(64))
        builder.alignment = 64
        let file = try builder.open()
        #expect(file.alignment == 64)
        #expect(file.dataOffset % 64 == 0)
        #expect(file.data(for: file.tensorsByName["output_norm.weight"]!).allSatisfy { $0 == 2 })
    }

    @Test("the default model: 272 tensors, SmolLM2-135M hyper-parameters")
    func defaultModel() throws {
        let file = try GGUFFile(path: Fixtures.defaultModelPath)
        #expect(file.tensors.count == 272)
        #expect(file.fileSize == 98_362_432)
        let config = try ModelConfig(file: file)
        #expect(config == ModelConfig(
            architecture: "llama", contextLength: 8192, embeddingLength: 576, feedForwardLength: 1536,
            blockCount: 30, headCount: 9, headCountKV: 3, headDimension: 64, ropeDimensionCount: 64,
            ropeFrequencyBase: 100_000, rmsNormEpsilon: Double(Float(1e-5)), vocabularySize: 49152))
        let types = file.tensors.reduce(into: [GGMLType: Int]()) { $0[$1.type, default: 0] += 1 }
        #expect(types == [.q4_1: 210, .f32: 61, .q8_0: 1])
        let q = try #require(file.tensorsByName["blk.0.attn_q.weight"])
        #expect(q.shape == [576, 576])
        #expect(q.byteCount == 576 / 32 * 20 * 576)
    }

    @Test("hyper-parameters of a qwen2 file")
    func qwen2Config() throws {
        var builder = GGUFBuilder()
        builder.metadata = [
            ("general.architecture", .string("qwen2")),
            ("qwen2.context_length", .uint32(32768)),
            ("qwen2.embedding_length", .uint32(896)),
            ("qwen2.feed_forward_length", .uint32(4864)),
            ("qwen2.block_count", .uint32(24)),
            ("qwen2.attention.head_count", .uint32(14)),
            ("qwen2.attention.head_count_kv", .uint32(2)),
            ("qwen2.rope.freq_base", .float32(1_000_000)),
            ("qwen2.attention.layer_norm_rms_epsilon", .float32(1e-6)),
            ("qwen2.vocab_size", .uint32(151936)),
        ]
        let config = try ModelConfig(file: builder.open())
        #expect(config.headDimension == 64)
        #expect(config.headCountKV == 2)
        #expect(config.ropeFrequencyBase == 1_000_000)
        #expect(config.vocabularySize == 151936)
        let json = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(ModelConfig.self, from: json) == config)
    }
}
