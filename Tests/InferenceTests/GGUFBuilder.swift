import Foundation
@testable import Inference

/// Writes GGUF files for tests — well-formed ones, and (by editing the fields or
/// the bytes) every kind of malformed one.
struct GGUFBuilder {
    struct Tensor {
        var name: String
        var type: UInt32
        var shape: [UInt64]
        /// Offset relative to the data section; `nil` places it after the previous tensor.
        var offset: UInt64?
        var data: [UInt8]
    }

    var magic: [UInt8] = Array("GGUF".utf8)
    var version: UInt32 = 3
    var metadata: [(key: String, value: GGUFValue)] = []
    var tensors: [Tensor] = []
    var alignment = 32
    /// Overrides the counts written in the header.
    var tensorCountOverride: UInt64?
    var metadataCountOverride: UInt64?

    /// A small but complete llama-style model file: hyper-parameters, a vocabulary
    /// and two F32 tensors.
    static func tinyLlama() -> GGUFBuilder {
        var builder = GGUFBuilder()
        builder.metadata = [
            ("general.architecture", .string("llama")),
            ("general.name", .string("tiny")),
            ("llama.context_length", .uint32(128)),
            ("llama.embedding_length", .uint32(8)),
            ("llama.feed_forward_length", .uint32(16)),
            ("llama.block_count", .uint32(1)),
            ("llama.attention.head_count", .uint32(2)),
            ("llama.attention.head_count_kv", .uint32(1)),
            ("llama.rope.freq_base", .float32(10000)),
            ("llama.attention.layer_norm_rms_epsilon", .float32(1e-5)),
            ("tokenizer.ggml.model", .string("llama")),
            ("tokenizer.ggml.tokens", .array(elementType: .string, values: ["<unk>", "<s>", "</s>", "\u{2581}a", "a"].map { .string($0) })),
            ("tokenizer.ggml.scores", .array(elementType: .float32, values: [0, 0, 0, -1, -2].map { .float32($0) })),
            ("tokenizer.ggml.token_type", .array(elementType: .int32, values: [2, 3, 3, 1, 1].map { .int32($0) })),
            ("tokenizer.ggml.bos_token_id", .uint32(1)),
            ("tokenizer.ggml.eos_token_id", .uint32(2)),
        ]
        builder.tensors = [
            Tensor(name: "token_embd.weight", type: 0, shape: [8, 5], offset: nil, data: [UInt8](repeating: 1, count: 160)),
            Tensor(name: "output_norm.weight", type: 0, shape: [8], offset: nil, data: [UInt8](repeating: 2, count: 32)),
        ]
        return builder
    }

    func set(_ key: String, _ value: GGUFValue) -> GGUFBuilder {
        var copy = self
        if let index = copy.metadata.firstIndex(where: { $0.key == key }) {
            copy.metadata[index].value = value
        } else {
            copy.metadata.append((key, value))
        }
        return copy
    }

    func removing(_ key: String) -> GGUFBuilder {
        var copy = self
        copy.metadata.removeAll { $0.key == key }
        return copy
    }

    func build() -> [UInt8] {
        var out: [UInt8] = magic
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func string(_ s: String) { u64(UInt64(s.utf8.count)); out.append(contentsOf: s.utf8) }
        func typeCode(_ value: GGUFValue) -> UInt32 {
            switch value {
            case .uint8: 0
            case .int8: 1
            case .uint16: 2
            case .int16: 3
            case .uint32: 4
            case .int32: 5
            case .float32: 6
            case .bool: 7
            case .string: 8
            case .array: 9
            case .uint64: 10
            case .int64: 11
            case .float64: 12
            }
        }
        func value(_ v: GGUFValue) {
            switch v {
            case .uint8(let x): out.append(x)
            case .int8(let x): out.append(UInt8(bitPattern: x))
            case .uint16(let x): withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) }
            case .int16(let x): withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) }
            case .uint32(let x): u32(x)
            case .int32(let x): u32(UInt32(bitPattern: x))
            case .uint64(let x): u64(x)
            case .int64(let x): u64(UInt64(bitPattern: x))
            case .float32(let x): u32(x.bitPattern)
            case .float64(let x): u64(x.bitPattern)
            case .bool(let x): out.append(x ? 1 : 0)
            case .string(let x): string(x)
            case .array(let type, let values):
                u32(type.rawValue)
                u64(UInt64(values.count))
                values.forEach(value)
            }
        }
        u32(version)
        u64(tensorCountOverride ?? UInt64(tensors.count))
        u64(metadataCountOverride ?? UInt64(metadata.count))
        for (key, v) in metadata {
            string(key)
            u32(typeCode(v))
            value(v)
        }
        var offsets: [UInt64] = []
        var next: UInt64 = 0
        for tensor in tensors {
            let offset = tensor.offset ?? next
            offsets.append(offset)
            next = (offset &+ UInt64(tensor.data.count) &+ UInt64(alignment) - 1) / UInt64(alignment) * UInt64(alignment)
        }
        for (tensor, offset) in zip(tensors, offsets) {
            string(tensor.name)
            u32(UInt32(tensor.shape.count))
            tensor.shape.forEach(u64)
            u32(tensor.type)
            u64(offset)
        }
        while out.count % alignment != 0 { out.append(0) }
        let dataStart = out.count
        // Offsets meant to point past any file get no data written.
        for (tensor, offset) in zip(tensors, offsets) where offset < 1 << 32 {
            let start = dataStart + Int(offset)
            if out.count < start { out.append(contentsOf: [UInt8](repeating: 0, count: start - out.count)) }
            let end = start + tensor.data.count
            if out.count < end { out.append(contentsOf: [UInt8](repeating: 0, count: end - out.count)) }
            out.replaceSubrange(start..<end, with: tensor.data)
        }
        return out
    }

    /// Writes `bytes` to a fresh temporary file and opens it.
    static func open(_ bytes: [UInt8]) throws(GGUFError) -> GGUFFile {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ponder-test-\(UUID().uuidString).gguf")
        _ = FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(at: url) }
        return try GGUFFile(path: url.path)
    }

    func open() throws(GGUFError) -> GGUFFile {
        try Self.open(build())
    }
}

/// The description of the error loading `builder`'s file as a model, or nil when it loads.
func loadError(_ builder: GGUFBuilder) throws -> String? {
    let file = try builder.open()
    do {
        _ = try Model(file: file)
        return nil
    } catch {
        return error.description
    }
}
