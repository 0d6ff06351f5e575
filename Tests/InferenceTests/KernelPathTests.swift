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
}
