import Foundation
import Testing
@testable import Inference

/// LoRA adapter files: written and read back, llama.cpp's layout (GGML shapes
/// `[input, rank]` and `[rank, output]`), F16 tensors, every validation error with
/// the file and tensor it names, and `FILE[:SCALE]` parsing.
struct LoRAAdapterFileTests {
    /// The tiny one-layer llama fixture: width 256, 4 query heads and 2 key/value
    /// heads of 64, feed-forward 256.
    static func tinyConfig() throws -> ModelConfig {
        try ModelConfig(file: GGUFFile(path: Fixtures.path("forward/tiny-llama-f32.gguf")))
    }

    static func temporaryPath(_ name: String = "adapter") -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ponder-lora-\(name)-\(UUID().uuidString).gguf").path
    }

    /// Random pairs of `rank` for `targets` of every block of `config`.
    static func randomAdapter(
        config: ModelConfig, rank: Int = 4, alpha: Float = 8, targets: [LoRATarget] = LoRATarget.allCases, seed: UInt64 = 1,
        magnitude: Float = 0.1
    ) -> LoRAAdapter {
        var generator = SeededGenerator(seed: seed)
        func values(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -magnitude...magnitude, using: &generator) } }
        var weights: [LoRAWeights] = []
        for layer in 0..<config.blockCount {
            for target in targets {
                let (input, output) = target.widths(in: config)
                weights.append(LoRAWeights(layer: layer, target: target, rank: rank, inputWidth: input, outputWidth: output,
                                           a: values(rank * input), b: values(output * rank)))
            }
        }
        return LoRAAdapter(alpha: alpha, weights: weights, architecture: config.architecture)
    }

    /// An adapter file with chosen metadata and raw tensors, for the malformed cases.
    struct RawAdapter {
        var metadata: [(key: String, value: GGUFValue)] = [
            ("general.architecture", .string("llama")), ("general.type", .string("adapter")),
            ("adapter.type", .string("lora")), ("adapter.lora.alpha", .float32(8)),
        ]
        var tensors: [(tensor: GGUFWriter.Tensor, bytes: [UInt8])] = []

        mutating func set(_ key: String, _ value: GGUFValue?) {
            metadata.removeAll { $0.key == key }
            if let value { metadata.append((key, value)) }
        }

        mutating func add(_ name: String, shape: [Int], type: GGMLType = .f32, fill: Float = 0.01) {
            let count = shape.reduce(1, *)
            let bytes: [UInt8]
            switch type {
            case .f32: bytes = [Float](repeating: fill, count: count).withUnsafeBytes { Array($0) }
            case .f16: bytes = [Float16](repeating: Float16(fill), count: count).withUnsafeBytes { Array($0) }
            default: bytes = [UInt8](repeating: 0, count: GGUFWriter.Tensor(name: name, type: type, shape: shape).byteCount)
            }
            tensors.append((GGUFWriter.Tensor(name: name, type: type, shape: shape), bytes))
        }

        /// A valid rank-2 pair for block 0's query matrix (256 → 256).
        mutating func addQueryPair(rank: Int = 2) {
            add("blk.0.attn_q.weight.lora_a", shape: [256, rank])
            add("blk.0.attn_q.weight.lora_b", shape: [rank, 256])
        }

        /// Writes the file and loads it for the tiny model; the error, if any.
        func loadError() throws -> LoRAAdapterError? {
            let path = LoRAAdapterFileTests.temporaryPath("raw")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let tensors = self.tensors
            try GGUFWriter(metadata: metadata, tensors: tensors.map(\.tensor)).write(to: path) { index throws(GGUFWriteError) in
                tensors[index].bytes
            }
            do {
                _ = try LoRAAdapter.load(path: path, for: LoRAAdapterFileTests.tinyConfig())
                return nil
            } catch let error as LoRAAdapterError {
                #expect(error.description.contains(path), "the message names the file: \(error)")
                return error
            }
        }
    }

    @Test("an adapter written and read back is the same, in llama.cpp's layout")
    func roundTrip() throws {
        let config = try Self.tinyConfig()
        let adapter = Self.randomAdapter(config: config, rank: 3, targets: [.q, .v, .down])
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try adapter.write(to: path)

        let loaded = try LoRAAdapter.load(path: path, for: config)
        #expect(loaded.weights == adapter.weights)
        #expect(loaded.alpha == 8 && loaded.architecture == "llama" && loaded.path == path)
        #expect(loaded.targets == [.q, .v, .down] && loaded.ranks == [3])

        let file = try GGUFFile(path: path)
        #expect(file.metadata["general.type"] == .string("adapter"))
        #expect(file.metadata["adapter.type"] == .string("lora"))
        #expect(file.metadata["adapter.lora.alpha"] == .float32(8))
        // A is [input, rank] and B [rank, output] in GGML order (fastest first).
        #expect(file.tensorsByName["blk.0.attn_v.weight.lora_a"]?.shape == [256, 3])
        #expect(file.tensorsByName["blk.0.attn_v.weight.lora_b"]?.shape == [3, 128])
        #expect(file.tensorsByName["blk.0.ffn_down.weight.lora_a"]?.shape == [256, 3])
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }

    @Test("F16 tensors load as their float values; norm tensors are skipped as llama.cpp does")
    func halfPrecision() throws {
        var raw = RawAdapter()
        raw.add("blk.0.attn_q.weight.lora_a", shape: [256, 2], type: .f16, fill: 0.333)
        raw.add("blk.0.attn_q.weight.lora_b", shape: [2, 256], type: .f16, fill: -1.5)
        raw.add("blk.0.attn_norm.weight", shape: [256])
        let path = Self.temporaryPath("f16")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tensors = raw.tensors
        try GGUFWriter(metadata: raw.metadata, tensors: tensors.map(\.tensor)).write(to: path) { index throws(GGUFWriteError) in
            tensors[index].bytes
        }
        let adapter = try LoRAAdapter.load(path: path, for: Self.tinyConfig())
        #expect(adapter.weights.count == 1)
        #expect(adapter.weights[0].a.allSatisfy { $0 == Float(Float16(0.333)) })
        #expect(adapter.weights[0].b.allSatisfy { $0 == -1.5 })
    }

    @Test("the metadata is checked: type keys, alpha, architecture")
    func metadataErrors() throws {
        var raw = RawAdapter()
        raw.addQueryPair()
        #expect(try raw.loadError() == nil)

        var wrong = raw
        wrong.set("general.type", .string("model"))
        guard case .wrongValue(_, "general.type", _, _)? = try wrong.loadError() else { Issue.record("general.type = model"); return }
        wrong = raw
        wrong.set("general.type", nil)
        #expect(try wrong.loadError().map { if case .missingKey(_, "general.type") = $0 { true } else { false } } == true)
        wrong = raw
        wrong.set("adapter.type", .string("control_vector"))
        guard case .wrongValue(_, "adapter.type", _, _)? = try wrong.loadError() else { Issue.record("adapter.type"); return }
        wrong = raw
        wrong.set("adapter.lora.alpha", nil)
        #expect(try wrong.loadError().map { if case .missingKey(_, "adapter.lora.alpha") = $0 { true } else { false } } == true)
        wrong = raw
        wrong.set("general.architecture", .string("qwen2"))
        let error = try wrong.loadError()
        guard case .architectureMismatch(_, "qwen2", "llama")? = error else { Issue.record("architecture: \(String(describing: error))"); return }
        #expect(error?.description.contains("'qwen2' architecture, but the model is 'llama'") == true)
    }

    @Test("the tensors are checked: names, partners, blocks, shapes, ranks, types, values")
    func tensorErrors() throws {
        func error(_ build: (inout RawAdapter) -> Void) throws -> LoRAAdapterError? {
            var raw = RawAdapter()
            build(&raw)
            return try raw.loadError()
        }
        let unknownSuffix = try error { $0.addQueryPair(); $0.add("blk.0.attn_q.weight.lora_c", shape: [256, 2]) }
        #expect(unknownSuffix == .unknownTensor(path: "", tensor: "blk.0.attn_q.weight.lora_c").withPath(of: unknownSuffix))
        let unknownMatrix = try error { $0.add("blk.0.attn_qkv.weight.lora_a", shape: [256, 2]); $0.add("blk.0.attn_qkv.weight.lora_b", shape: [2, 768]) }
        guard case .unknownTensor(_, "blk.0.attn_qkv.weight.lora_a")? = unknownMatrix else { Issue.record("\(String(describing: unknownMatrix))"); return }
        let output = try error { $0.add("output.weight.lora_a", shape: [256, 2]); $0.add("output.weight.lora_b", shape: [2, 272]) }
        guard case .unknownTensor? = output else { Issue.record("output.weight pair: \(String(describing: output))"); return }

        let lonely = try error { $0.add("blk.0.attn_q.weight.lora_a", shape: [256, 2]) }
        #expect(lonely == .missingPartner(path: "", tensor: "blk.0.attn_q.weight.lora_a", missing: "blk.0.attn_q.weight.lora_b").withPath(of: lonely))

        let block = try error { $0.add("blk.1.attn_q.weight.lora_a", shape: [256, 2]); $0.add("blk.1.attn_q.weight.lora_b", shape: [2, 256]) }
        guard case .layerOutOfRange(_, _, 1, 1)? = block else { Issue.record("block 1: \(String(describing: block))"); return }

        // The value matrix maps 256 to 128: a B with 256 rows is the wrong model's.
        let shape = try error { $0.add("blk.0.attn_v.weight.lora_a", shape: [256, 2]); $0.add("blk.0.attn_v.weight.lora_b", shape: [2, 256]) }
        #expect(shape == .shapeMismatch(path: "", tensor: "blk.0.attn_v.weight.lora_b", expected: [2, 128], found: [2, 256]).withPath(of: shape))
        #expect(shape?.description.contains("shape [2, 256], expected [2, 128]") == true)
        let input = try error { $0.add("blk.0.attn_q.weight.lora_a", shape: [128, 2]); $0.add("blk.0.attn_q.weight.lora_b", shape: [2, 256]) }
        #expect(input == .shapeMismatch(path: "", tensor: "blk.0.attn_q.weight.lora_a", expected: [256, 2], found: [128, 2]).withPath(of: input))
        // llama.cpp's "lora_a tensor is not transposed".
        let rank = try error { $0.add("blk.0.attn_q.weight.lora_a", shape: [256, 2]); $0.add("blk.0.attn_q.weight.lora_b", shape: [4, 256]) }
        #expect(rank == .rankMismatch(path: "", tensor: "blk.0.attn_q.weight", a: 2, b: 4).withPath(of: rank))

        let quantized = try error { $0.add("blk.0.attn_q.weight.lora_a", shape: [256, 2], type: .q8_0); $0.add("blk.0.attn_q.weight.lora_b", shape: [2, 256]) }
        #expect(quantized == .unsupportedTensorType(path: "", tensor: "blk.0.attn_q.weight.lora_a", type: "Q8_0").withPath(of: quantized))
        let infinite = try error { $0.add("blk.0.attn_q.weight.lora_a", shape: [256, 2]); $0.add("blk.0.attn_q.weight.lora_b", shape: [2, 256], fill: .infinity) }
        #expect(infinite == .nonFiniteValues(path: "", tensor: "blk.0.attn_q.weight.lora_b").withPath(of: infinite))
    }

    @Test("a file that is not GGUF, and a missing file, name the path")
    func unreadable() throws {
        let path = Self.temporaryPath("text")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "not an adapter".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: LoRAAdapterError.self) { try LoRAAdapter.load(path: path, for: Self.tinyConfig()) }
        let config = try Self.tinyConfig()
        do throws(LoRAAdapterError) {
            _ = try LoRAAdapter.load(path: path + ".missing", for: config)
            Issue.record("a missing file loaded")
        } catch {
            guard case .file = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains(path + ".missing"))
        }
    }

    @Test("writing refuses pairs whose sizes disagree, duplicates and non-finite values")
    func writeValidation() throws {
        let config = try Self.tinyConfig()
        let good = Self.randomAdapter(config: config, targets: [.q])
        let path = Self.temporaryPath("refused")
        defer { try? FileManager.default.removeItem(atPath: path) }

        var short = good
        short.weights[0].a.removeLast()
        #expect(throws: LoRAAdapterError.self) { try short.write(to: path) }
        var duplicated = good
        duplicated.weights.append(good.weights[0])
        #expect(throws: LoRAAdapterError.duplicateTarget(path: path, tensor: "blk.0.attn_q.weight")) { try duplicated.write(to: path) }
        var broken = good
        broken.weights[0].b[3] = .nan
        #expect(throws: LoRAAdapterError.nonFiniteValues(path: path, tensor: "blk.0.attn_q.weight.lora_b")) { try broken.write(to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(throws: LoRAAdapterError.self) { try good.write(to: "/nonexistent-directory/adapter.gguf") }
    }

    @Test("FILE[:SCALE] parses the scale after the last colon when it is a number")
    func specifications() {
        #expect(LoRASpecification(parsing: "tools.gguf") == LoRASpecification(path: "tools.gguf", scale: 1))
        #expect(LoRASpecification(parsing: "tools.gguf:0.5") == LoRASpecification(path: "tools.gguf", scale: 0.5))
        #expect(LoRASpecification(parsing: "a:b/tools.gguf:-2") == LoRASpecification(path: "a:b/tools.gguf", scale: -2))
        #expect(LoRASpecification(parsing: "c:/adapters/x.gguf") == LoRASpecification(path: "c:/adapters/x.gguf", scale: 1))
        #expect(LoRASpecification(parsing: "") == nil)
        #expect(LoRASpecification(parsing: ":0.5") == nil)
        #expect(LoRASpecification(parsing: "tools.gguf:nan") == nil)
        #expect(LoRASpecification(parsing: "tools.gguf:inf") == nil)
    }

    @Test("the multiplier is scale·alpha/rank, or the scale alone when alpha is 0 (llama.cpp's rule)")
    func multiplier() {
        #expect(LoRAAdapter(alpha: 8, weights: [], architecture: "llama").scale(0.5, rank: 4) == 1)
        #expect(LoRAAdapter(alpha: 0, weights: [], architecture: "llama").scale(0.5, rank: 4) == 0.5)
    }
}

extension LoRAAdapterError {
    /// This error with the path of `other` (the tests compare everything else).
    func withPath(of other: LoRAAdapterError?) -> LoRAAdapterError? {
        guard let other else { return nil }
        let path: String
        switch other {
        case .file(let p, _), .missingKey(let p, _), .wrongValue(let p, _, _, _), .architectureMismatch(let p, _, _),
             .unknownTensor(let p, _), .layerOutOfRange(let p, _, _, _), .missingPartner(let p, _, _),
             .shapeMismatch(let p, _, _, _), .rankMismatch(let p, _, _, _), .unsupportedTensorType(let p, _, _),
             .nonFiniteValues(let p, _), .targetNotInModel(let p, _), .duplicateTarget(let p, _), .writeFailed(let p, _):
            path = p
        }
        switch self {
        case .unknownTensor(_, let t): return .unknownTensor(path: path, tensor: t)
        case .missingPartner(_, let t, let m): return .missingPartner(path: path, tensor: t, missing: m)
        case .shapeMismatch(_, let t, let e, let f): return .shapeMismatch(path: path, tensor: t, expected: e, found: f)
        case .rankMismatch(_, let t, let a, let b): return .rankMismatch(path: path, tensor: t, a: a, b: b)
        case .unsupportedTensorType(_, let t, let type): return .unsupportedTensorType(path: path, tensor: t, type: type)
        case .nonFiniteValues(_, let t): return .nonFiniteValues(path: path, tensor: t)
        default: return self
        }
    }
}
