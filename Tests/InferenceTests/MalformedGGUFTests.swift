import Foundation
import Testing
@testable import Inference

/// Broken files: each must produce a typed error naming the problem — no crash,
/// no hang, no allocation sized by a corrupt count.
struct MalformedGGUFTests {
    func error(_ bytes: [UInt8]) -> GGUFError? {
        do {
            _ = try GGUFBuilder.open(bytes)
            return nil
        } catch {
            return error
        }
    }

    func error(_ builder: GGUFBuilder) -> GGUFError? { error(builder.build()) }

    @Test("a missing file, a directory and an empty file")
    func unopenable() {
        #expect(throws: GGUFError.self) { try GGUFFile(path: "/nonexistent/model.gguf") }
        do {
            _ = try GGUFFile(path: NSTemporaryDirectory())
            Issue.record("a directory opened")
        } catch {
            #expect(error.description.contains("not a regular file"))
        }
        #expect(error([])?.description.contains("truncated") == true)
    }

    @Test("bad magic names what was found")
    func badMagic() {
        var builder = GGUFBuilder.tinyLlama()
        builder.magic = Array("GGML".utf8)
        #expect(error(builder) == .badMagic(found: Array("GGML".utf8)))
        #expect(error(builder)!.description.contains("not a GGUF file"))
    }

    @Test("unsupported versions", arguments: [UInt32(0), 1, 4, 0xFFFF_FFFF])
    func unsupportedVersion(version: UInt32) {
        var builder = GGUFBuilder.tinyLlama()
        builder.version = version
        #expect(error(builder) == .unsupportedVersion(version))
    }

    @Test("every truncation of a valid file throws")
    func everyTruncation() throws {
        let bytes = GGUFBuilder.tinyLlama().build()
        for length in 0..<bytes.count {
            let failure = error(Array(bytes[..<length]))
            #expect(failure != nil, "a file cut at \(length) of \(bytes.count) bytes was accepted")
        }
        #expect(error(bytes) == nil)
    }

    @Test("absurd counts are refused before allocating")
    func absurdCounts() {
        var builder = GGUFBuilder.tinyLlama()
        builder.metadataCountOverride = 1 << 60
        guard case .absurdCount(let what, _, _)? = error(builder) else { Issue.record("accepted"); return }
        #expect(what == "metadata count")

        builder = GGUFBuilder.tinyLlama()
        builder.tensorCountOverride = UInt64.max
        guard case .absurdCount(let what2, _, _)? = error(builder) else { Issue.record("accepted"); return }
        #expect(what2 == "tensor count")

        // An array claiming 2^62 elements: patch the count of the token list.
        var bytes = GGUFBuilder.tinyLlama().build()
        let key = Array("tokenizer.ggml.tokens".utf8)
        let keyStart = bytes.indices.first { bytes[$0...].starts(with: key) }!
        let countOffset = keyStart + key.count + 4 + 4  // type, element type
        withUnsafeBytes(of: (UInt64(1) << 62).littleEndian) { bytes.replaceSubrange(countOffset..<(countOffset + 8), with: $0) }
        guard case .absurdCount(let what3, let count, _)? = error(bytes) else { Issue.record("accepted"); return }
        #expect(what3.contains("tokenizer.ggml.tokens"))
        #expect(count == 1 << 62)
    }

    @Test("a string longer than the file is a truncation")
    func hugeString() {
        var bytes = GGUFBuilder.tinyLlama().build()
        // The first key's length field sits right after the 24-byte header.
        withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { bytes.replaceSubrange(24..<32, with: $0) }
        guard case .truncated(let what, _, _, _)? = error(bytes) else { Issue.record("accepted"); return }
        #expect(what.contains("metadata entry 0"))
    }

    @Test("unknown value type, duplicate key, bad bool, bad alignment")
    func badMetadata() {
        var bytes = GGUFBuilder().set("x", .uint32(1)).build()
        bytes[24 + 8 + 1] = 99  // the type code of key "x"
        #expect(error(bytes) == .invalidValueType(key: "x", rawType: 99))

        var duplicate = GGUFBuilder()
        duplicate.metadata = [("k", .uint8(1)), ("k", .uint8(2))]
        #expect(error(duplicate) == .duplicateKey("k"))

        var badBool = GGUFBuilder().set("flag", .uint8(7)).build()
        badBool[24 + 8 + 4] = 7  // retype uint8 → bool
        #expect(error(badBool) == .invalidValue(key: "flag", reason: "a bool stored as 7"))

        #expect(error(GGUFBuilder.tinyLlama().set("general.alignment", .uint32(48))) == .badAlignment(48))
        #expect(error(GGUFBuilder.tinyLlama().set("general.alignment", .uint32(0))) == .badAlignment(0))
        #expect(error(GGUFBuilder.tinyLlama().set("general.alignment", .string("32")))
            == .wrongKeyType(key: "general.alignment", expected: "an integer", found: "a string"))
    }

    @Test("deeply nested arrays are refused")
    func deepNesting() {
        var value = GGUFValue.array(elementType: .uint8, values: [])
        for _ in 0..<20 { value = .array(elementType: .array, values: [value]) }
        guard case .invalidValue(_, let reason)? = error(GGUFBuilder().set("deep", value)) else {
            Issue.record("accepted"); return
        }
        #expect(reason.contains("nested"))
    }

    @Test("tensor problems: shape, type, alignment, bounds, overlap, duplicates")
    func tensorProblems() {
        func with(_ change: (inout GGUFBuilder.Tensor) -> Void) -> GGUFError? {
            var builder = GGUFBuilder.tinyLlama()
            change(&builder.tensors[1])
            return error(builder)
        }
        #expect(with { $0.shape = [1, 1, 1, 1, 8] }
            == .badTensorShape(tensor: "output_norm.weight", reason: "5 dimensions (1 to 4 allowed)"))
        #expect(with { $0.shape = [] }
            == .badTensorShape(tensor: "output_norm.weight", reason: "0 dimensions (1 to 4 allowed)"))
        #expect(with { $0.shape = [1 << 40, 1 << 40] }
            == .badTensorShape(tensor: "output_norm.weight", reason: "the element count overflows"))
        // A single dimension whose byte size (not element count) overflows.
        #expect(with { $0.shape = [UInt64(Int64.max / 2)] }
            == .badTensorShape(tensor: "output_norm.weight", reason: "the byte size overflows"))
        #expect(with { $0.type = 99 } == .unknownTensorType(tensor: "output_norm.weight", rawType: 99))
        #expect(with { $0.type = GGMLType.q4_0.rawValue; $0.shape = [8] }
            == .badTensorShape(tensor: "output_norm.weight",
                               reason: "the row length 8 is not a multiple of the Q4_0 block size 32"))
        #expect(with { $0.offset = 170 } == .misalignedTensor(tensor: "output_norm.weight", offset: 170, alignment: 32))
        #expect(with { $0.offset = 128 } == .overlappingTensors(first: "token_embd.weight", second: "output_norm.weight"))
        #expect(with { $0.name = "token_embd.weight" } == .duplicateTensor("token_embd.weight"))

        // Declared larger than the data that follows.
        var builder = GGUFBuilder.tinyLlama()
        var bytes = builder.build()
        bytes.removeLast(16)
        guard case .tensorOutOfBounds(let name, _, _)? = error(bytes) else { Issue.record("accepted"); return }
        #expect(name == "output_norm.weight")
        builder.tensors[1].offset = UInt64.max - 31
        guard case .tensorOutOfBounds? = error(builder) else { Issue.record("accepted"); return }
    }

    @Test("random corruption never crashes")
    func fuzz() {
        let original = GGUFBuilder.tinyLlama().build()
        var generator = SplitMix64(seed: 42)
        var accepted = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int(generator.next() % 4 + 1) {
                let index = Int(generator.next() % UInt64(bytes.count))
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            if let file = try? GGUFBuilder.open(bytes) {
                accepted += 1
                // Whatever was accepted must be internally consistent.
                for tensor in file.tensors {
                    #expect(tensor.fileOffset + tensor.byteCount <= file.fileSize)
                }
                _ = try? ModelConfig(file: file)
                _ = try? Tokenizer(file: file).encode("a a a", parseSpecial: true)
            }
        }
        #expect(accepted < 3000)
    }

    @Test("missing and mistyped hyper-parameters name the key")
    func configErrors() {
        func configError(_ builder: GGUFBuilder) -> String? {
            do {
                _ = try ModelConfig(file: builder.open())
                return nil
            } catch {
                return "\(error)"
            }
        }
        let tiny = GGUFBuilder.tinyLlama()
        #expect(configError(tiny) == nil)
        #expect(configError(tiny.removing("llama.block_count")) == "required metadata key 'llama.block_count' is missing")
        #expect(configError(tiny.set("llama.block_count", .string("one")))
            == "metadata key 'llama.block_count' is a string, expected an integer")
        #expect(configError(tiny.set("general.architecture", .string("mamba")))
            == "unsupported architecture 'mamba'; Ponder runs: llama, qwen2, qwen3, phi3, gemma3")
        #expect(configError(tiny.removing("general.architecture"))
            == "required metadata key 'general.architecture' is missing")
        #expect(configError(tiny.set("llama.attention.head_count", .uint32(3)))?
            .contains("3 heads do not divide the embedding length 8") == true)
    }

    @Test("an inconsistent vocabulary is reported")
    func vocabularyErrors() {
        func tokenizerError(_ builder: GGUFBuilder) -> String? {
            do {
                _ = try Tokenizer(file: builder.open())
                return nil
            } catch {
                return "\(error)"
            }
        }
        let tiny = GGUFBuilder.tinyLlama()
        #expect(tokenizerError(tiny) == nil)
        #expect(tokenizerError(tiny.set("tokenizer.ggml.scores", .array(elementType: .float32, values: [.float32(0)])))
            == "inconsistent vocabulary: 5 tokens but 1 scores")
        #expect(tokenizerError(tiny.set("tokenizer.ggml.bos_token_id", .uint32(99)))
            == "inconsistent vocabulary: tokenizer.ggml.bos_token_id is 99, outside 0..<5")
        #expect(tokenizerError(tiny.set("tokenizer.ggml.model", .string("wordpiece")))?
            .hasPrefix("unsupported tokenizer model 'wordpiece'") == true)
        #expect(tokenizerError(tiny.set("tokenizer.ggml.model", .string("gpt2")))
            == "required metadata key 'tokenizer.ggml.merges' is missing")
        #expect(tokenizerError(tiny.set("tokenizer.ggml.model", .string("gpt2"))
            .set("tokenizer.ggml.merges", .array(elementType: .string, values: [.string("a b")]))
            .set("tokenizer.ggml.pre", .string("made-up")))?
            .hasPrefix("unsupported pre-tokenizer 'made-up'") == true)
    }
}

/// A small deterministic generator, so fuzz failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
