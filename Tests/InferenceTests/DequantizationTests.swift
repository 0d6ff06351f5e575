import CKernels
import Foundation
import Testing
@testable import Inference

/// Dequantized blocks compared with the `gguf` package's numpy dequantizers
/// (fixture made by `tools/make-forward-fixtures`), and the integer dot products
/// compared with float dots of the dequantized rows.
struct DequantizationTests {
    struct BlockSet: Decodable {
        let type: String
        let type_id: Int32
        let block_size: Int
        let type_size: Int
        let n_blocks: Int
        let bytes_hex: String
        let values: [Double]
    }

    struct Fixture: Decodable { let types: [BlockSet] }

    static let sets: [BlockSet] = (try? Fixtures.decode(Fixture.self, from: "forward/dequant-blocks.json").types) ?? []

    static func bytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test("fixtures cover every type the engine computes with")
    func coverage() {
        #expect(Set(Self.sets.map(\.type)).isSuperset(of: ["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"]))
    }

    @Test("dequantization equals the gguf package bit for bit", arguments: sets.map(\.type))
    func dequantize(type: String) throws {
        let set = try #require(Self.sets.first { $0.type == type })
        let raw = Self.bytes(set.bytes_hex)
        let count = set.n_blocks * set.block_size
        #expect(raw.count == set.n_blocks * set.type_size)
        #expect(Int(ck_block_size(set.type_id)) == set.block_size)
        #expect(Int(ck_type_size(set.type_id)) == set.type_size)
        var output = [Float](repeating: .nan, count: count)
        raw.withUnsafeBytes { ck_dequantize_row(set.type_id, $0.baseAddress!, &output, Int64(count)) }
        let mismatches = zip(output, set.values).filter { $0.0 != Float($0.1) }.count
        #expect(mismatches == 0, "\(mismatches) of \(count) values differ")
    }

    @Test("quantized dot products agree with float dots of the dequantized rows", arguments: sets.map(\.type))
    func dot(type: String) throws {
        let set = try #require(Self.sets.first { $0.type == type })
        let raw = Self.bytes(set.bytes_hex)
        let count = set.n_blocks * set.block_size
        var generator = SplitMix64(seed: 3)
        let x = (0..<count).map { _ in Float(Double(generator.next() % 2001) / 1000 - 1) }
        let exact = zip(set.values, x).reduce(0.0) { $0 + $1.0 * Double($1.1) }
        var prepared = [UInt8](repeating: 0, count: Int(ck_activation_row_bytes(set.type_id, Int64(count))))
        ck_prepare_activation_row(set.type_id, x, &prepared, Int64(count))
        let dot = raw.withUnsafeBytes { ck_vec_dot(set.type_id, $0.baseAddress!, prepared, Int64(count)) }
        let magnitude = zip(set.values, x).reduce(0.0) { $0 + abs($1.0 * Double($1.1)) }
        // Activations are quantized to 8 bits (or halves): the error is a small fraction
        // of the sum of magnitudes.
        #expect(abs(Double(dot) - exact) <= 0.01 * magnitude + 1e-6, "dot \(dot) vs \(exact)")
    }

    @Test("half and bfloat16 conversions round to nearest even")
    func halves() {
        #expect(ck_fp32_to_fp16(1) == 0x3C00)
        #expect(ck_fp32_to_fp16(65504) == 0x7BFF)
        #expect(ck_fp32_to_fp16(65520) == 0x7C00)
        #expect(ck_fp32_to_fp16(-0.0) == 0x8000)
        #expect(ck_fp32_to_fp16(5.960464477539063e-08) == 0x0001)  // smallest subnormal
        #expect(ck_fp32_to_fp16(1 + 1.0 / 2048) == 0x3C00)  // tie → even
        #expect(ck_fp32_to_fp16(1 + 3.0 / 2048) == 0x3C02)
        #expect(ck_fp16_to_fp32(0x0001) == 5.960464477539063e-08)
        #expect(ck_fp16_to_fp32(0xFC00) == -.infinity)
        #expect(ck_fp16_to_fp32(0x7E00).isNaN)
        for bits in stride(from: 0, to: 0x7C00, by: 7) {
            #expect(ck_fp32_to_fp16(ck_fp16_to_fp32(UInt16(bits))) == UInt16(bits))
        }
        #expect(ck_fp32_to_bf16(1) == 0x3F80)
        #expect(ck_bf16_to_fp32(0x3F80) == 1)
        #expect(ck_fp32_to_bf16(Float(bitPattern: 0x3F80_8000)) == 0x3F80)  // tie → even
        #expect(ck_fp32_to_bf16(Float(bitPattern: 0x3F81_8000)) == 0x3F82)
    }
}
