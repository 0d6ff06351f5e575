import Foundation
import Testing
@testable import Inference

/// Files the engine cannot run: each error names the problem.
struct ModelLoadingErrorTests {
    /// A complete one-layer llama model with F32 weights (embedding 8, two heads, one
    /// key/value head, feed-forward `feedForward`); `types` overrides tensor types.
    static func tinyModel(feedForward: Int = 16, types: [String: (code: UInt32, bytesPerRow: Int)] = [:], dropping: String? = nil) -> GGUFBuilder {
        var builder = GGUFBuilder.tinyLlama().set("llama.feed_forward_length", .uint32(UInt32(feedForward)))
        func tensor(_ name: String, _ shape: [Int]) -> GGUFBuilder.Tensor {
            let rows = shape.dropFirst().reduce(1, *)
            if let override = types[name] {
                return .init(name: name, type: override.code, shape: shape.map(UInt64.init), offset: nil,
                             data: [UInt8](repeating: 0, count: override.bytesPerRow * rows))
            }
            var data: [UInt8] = []
            for i in 0..<(shape[0] * rows) {
                withUnsafeBytes(of: Float(i % 7 - 3) * 0.05) { data.append(contentsOf: $0) }
            }
            return .init(name: name, type: 0, shape: shape.map(UInt64.init), offset: nil, data: data)
        }
        builder.tensors = [
            tensor("token_embd.weight", [8, 5]), tensor("output_norm.weight", [8]),
            tensor("blk.0.attn_norm.weight", [8]), tensor("blk.0.attn_q.weight", [8, 8]),
            tensor("blk.0.attn_k.weight", [8, 4]), tensor("blk.0.attn_v.weight", [8, 4]),
            tensor("blk.0.attn_output.weight", [8, 8]), tensor("blk.0.ffn_norm.weight", [8]),
            tensor("blk.0.ffn_gate.weight", [8, feedForward]), tensor("blk.0.ffn_up.weight", [8, feedForward]),
            tensor("blk.0.ffn_down.weight", [feedForward, 8]),
        ].filter { $0.name != dropping }
        return builder
    }


    @Test("a complete synthetic model loads and runs")
    func synthetic() throws {
        let model = try Model(file: Self.tinyModel().open())
        let session = try model.makeSession(contextLength: 16)
        let logits = try session.append([1, 3, 4])
        #expect(logits.count == 5)
        #expect(logits.allSatisfy { $0.isFinite })
    }

    @Test("an unsupported tensor type is named with the tensor")
    func unsupportedType() throws {
        let iq2 = (code: GGMLType.iq2_xxs.rawValue, bytesPerRow: GGMLType.iq2_xxs.typeSize)
        let message = try loadError(Self.tinyModel(feedForward: 256, types: ["blk.0.ffn_down.weight": iq2]))
        #expect(message?.hasPrefix("tensor 'blk.0.ffn_down.weight' has type IQ2_XXS, which Ponder cannot compute with") == true)
    }

    @Test("a missing tensor, a wrong shape, an unsupported architecture")
    func structuralErrors() throws {
        #expect(try loadError(Self.tinyModel(dropping: "blk.0.attn_k.weight"))
            == "the model has no tensor 'blk.0.attn_k.weight'; the file is incomplete or not a supported architecture")
        #expect(try loadError(Self.tinyModel().set("llama.attention.head_count_kv", .uint32(2)))?
            .contains("tensor 'blk.0.attn_k.weight' has shape [8, 4], expected [8, 8]") == true)
        #expect(try loadError(Self.tinyModel().set("general.architecture", .string("falcon")))
            == "unsupported architecture 'falcon'; Ponder runs: llama, qwen2, qwen3, phi3, gemma3")
        #expect(try loadError(Self.tinyModel().set("llama.rope.scaling.type", .string("yarn")))
            == "RoPE scaling 'yarn' is not supported (supported: none, linear)")
    }

    @Test("a context larger than memory allows is refused before allocating")
    func hugeContext() throws {
        let model = try Model(file: Self.tinyModel().open())
        #expect(throws: InferenceError.self) { try model.makeSession(contextLength: 1 << 45) }
        do {
            _ = try model.makeSession(contextLength: 1 << 45)
        } catch {
            #expect(error.description.contains("choose a smaller --context"))
        }
    }
}
