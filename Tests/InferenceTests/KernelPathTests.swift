import CKernels
import Foundation
import Testing
@testable import Inference

/// Every instruction-set path the CPU supports (scalar, AVX2, AVX-512) computes the
/// same logits: the tiny-model and SmolLM2 fixtures run once per path. Forcing a path is global,
/// so this suite runs serially and restores the best path after each test.
@Suite(.serialized)
struct KernelPathTests {
    static let paths: [String] = ["scalar", "avx2", "avx512"].filter { name in ck_kernel_path_supported(name) != 0 }

    @Test("the best path is chosen by default and PONDER_KERNELS names are known")
    func defaults() {
        #expect(Self.paths.contains("scalar"))
        #expect(Self.paths.contains(String(cString: ck_kernel_path())))
        #expect(ck_kernel_path_supported("no-such-path") == 0)
    }

    @Test("tiny-model logits match llama.cpp on every path", arguments: paths)
    func tinyModels(path: String) throws {
        let best = String(cString: ck_kernel_path())
        #expect(ck_force_kernel_path(path) != 0)
        defer { _ = ck_force_kernel_path(best) }
        #expect(String(cString: ck_kernel_path()) == path)
        let logitsTests = TinyModelLogitsTests()
        for name in TinyModelLogitsTests.models {
            try logitsTests.logitsMatch(name: name)
        }
    }

    @Test("SmolLM2 Q4_1 logits and greedy tokens match llama.cpp on every path", arguments: paths)
    func defaultModel(path: String) throws {
        let best = String(cString: ck_kernel_path())
        #expect(ck_force_kernel_path(path) != 0)
        defer { _ = ck_force_kernel_path(best) }
        try DefaultModelLogitsTests().check(fixtureName: "smollm2-q4_1.logits.json")
    }

    @Test("dot products agree with the gguf dequantization on every path", arguments: paths)
    func dots(path: String) throws {
        let best = String(cString: ck_kernel_path())
        #expect(ck_force_kernel_path(path) != 0)
        defer { _ = ck_force_kernel_path(best) }
        let dequantization = DequantizationTests()
        for set in DequantizationTests.sets {
            try dequantization.dequantize(type: set.type)
            try dequantization.dot(type: set.type)
        }
    }

    @Test("attention over a head wider than 512 uses every dimension, on every path", arguments: paths)
    func wideHeads(path: String) throws {
        let best = String(cString: ck_kernel_path())
        #expect(ck_force_kernel_path(path) != 0)
        defer { _ = ck_force_kernel_path(best) }
        // The attack: a 640-wide head whose query is zero in its first 512 dimensions.
        // Kernels that kept only 512 query values saw equal scores everywhere.
        for headDimension in [64, 513, 640, 1024] {
            try WideHeadAttention(headDimension: headDimension, zeroPrefix: min(512, headDimension - 1)).check()
        }
    }
}

/// One attention head over random half-precision keys and values, computed by the
/// engine's attention kernel (`ck_attention_head_paged`, one page and pages of 32) and
/// by a double-precision reference with the same half roundings (query, attention weights).
struct WideHeadAttention {
    let headDimension: Int
    let positions = 40  // more than one page of 32
    var query: [Float]
    var keys: [UInt16]
    var values: [UInt16]

    init(headDimension: Int, zeroPrefix: Int) {
        self.headDimension = headDimension
        var generator = SeededGenerator(seed: UInt64(headDimension))
        func random() -> Float { Float(Double(generator.next() >> 11) / Double(1 << 53)) * 2 - 1 }
        query = (0..<headDimension).map { $0 < zeroPrefix ? 0 : random() }
        keys = (0..<(positions * headDimension)).map { _ in ck_fp32_to_fp16(random()) }
        values = (0..<(positions * headDimension)).map { _ in ck_fp32_to_fp16(random()) }
    }

    func reference() -> [Double] {
        let q = query.map { Double(ck_fp16_to_fp32(ck_fp32_to_fp16($0))) }
        var scores = (0..<positions).map { p in
            (0..<headDimension).reduce(0.0) { $0 + q[$1] * Double(ck_fp16_to_fp32(keys[p * headDimension + $1])) }
        }
        let maximum = scores.max()!
        scores = scores.map { exp($0 - maximum) }
        let sum = scores.reduce(0, +)
        let weights = scores.map { Double(ck_fp16_to_fp32(ck_fp32_to_fp16(Float($0 / sum)))) }
        return (0..<headDimension).map { i in
            (0..<positions).reduce(0.0) { $0 + weights[$1] * Double(ck_fp16_to_fp32(values[$1 * headDimension + i])) }
        }
    }

    func check() throws {
        let expected = reference()
        // The whole cache in one page, and pages of 32 as the engine's KV cache keeps them.
        for pageSize in [positions, 32] {
            var scores = [Float](repeating: 0, count: positions)
            var result = [Float](repeating: .nan, count: headDimension)
            try keys.withUnsafeBufferPointer { keyBuffer in
                try values.withUnsafeBufferPointer { valueBuffer in
                    let pageStarts = stride(from: 0, to: positions, by: pageSize).map { $0 * headDimension }
                    let keyPages: [UnsafePointer<UInt16>?] = pageStarts.map { keyBuffer.baseAddress! + $0 }
                    let valuePages: [UnsafePointer<UInt16>?] = pageStarts.map { valueBuffer.baseAddress! + $0 }
                    ck_attention_head_paged(query, keyPages, valuePages, Int64(pageSize), Int64(headDimension),
                                            Int64(headDimension), Int64(positions), 1, &scores, &result)
                    try #require(result.allSatisfy { $0.isFinite })
                }
            }
            let worst = zip(result, expected).map { abs(Double($0) - $1) }.max()!
            #expect(worst < 2e-3, "attention of a \(headDimension)-wide head in pages of \(pageSize) is off by \(worst)")
        }
    }
}
