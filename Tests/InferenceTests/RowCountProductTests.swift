import CKernels
import Testing

/// Matrix products over a few token rows (batched decoding) on the worker pool: every
/// element of a product of N tokens equals, bit for bit, the same row and token taken
/// alone (one-token product and `ck_vec_dot`), for every weight type the engine computes
/// with, N = 1 to 9, and row widths with whole groups of blocks, a partial last group, or both.
///
/// This runs on the active kernel path (forcing one is global, and other suites run at
/// the same time; the kernel harness covers every path). A mismatch is recomputed before
/// it counts, so another suite switching paths mid-product cannot fail this one.
struct RowCountProductTests {
    /// The weight types by name. Row widths: 576 is SmolLM2's hidden width (a group of
    /// sixteen blocks and two more), 512 exactly one group, 1056 two groups and one block.
    static let typeNames: [String] = ["F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q4_K", "Q5_K", "Q6_K"]

    /// The GGML type code and the row widths tried for a type name.
    static func typeAndWidths(_ name: String) -> (type: Int32, widths: [Int])? {
        switch name {
        case "F32": return (Int32(CK_F32), [576, 579])
        case "F16": return (Int32(CK_F16), [576, 1056])
        case "BF16": return (Int32(CK_BF16), [576])
        case "Q4_0": return (Int32(CK_Q4_0), [576, 512, 1056])
        case "Q4_1": return (Int32(CK_Q4_1), [576, 512, 1056])
        case "Q5_0": return (Int32(CK_Q5_0), [576, 1056])
        case "Q5_1": return (Int32(CK_Q5_1), [576, 1056])
        case "Q8_0": return (Int32(CK_Q8_0), [576, 512, 1056])
        case "Q4_K": return (Int32(CK_Q4_K), [768, 1280])
        case "Q5_K": return (Int32(CK_Q5_K), [768])
        case "Q6_K": return (Int32(CK_Q6_K), [768])
        default: return nil
        }
    }
    /// Not a multiple of sixteen: the pool's work items end mid-way.
    static let rows = 70
    static let maximumTokens = 9

    @Test("N-token products equal N one-token products bit for bit, N from 1 to 9", arguments: typeNames)
    func productsMatchSingleTokens(name: String) throws {
        let entry = try #require(Self.typeAndWidths(name))
        for threads in [2, 1] {
            let pool = try #require(ck_pool_create(Int32(threads)))
            defer { ck_pool_destroy(pool) }
            for width in entry.widths {
                let problem = RowCountProblem(type: entry.type, width: width, rows: Self.rows, tokens: Self.maximumTokens)
                for tokens in 1...Self.maximumTokens {
                    // Recomputed up to three times: a real difference repeats.
                    var mismatch: String?
                    for _ in 0..<3 {
                        mismatch = problem.firstMismatch(pool: pool, tokens: tokens)
                        if mismatch == nil { break }
                    }
                    #expect(mismatch == nil, "\(name) width \(width), \(tokens) tokens, \(threads) threads: \(mismatch ?? "")")
                }
            }
        }
    }
}

/// Random weights of one type and prepared activation rows for them.
struct RowCountProblem {
    let type: Int32
    let width: Int
    let rows: Int
    let weights: [UInt8]
    let activations: [UInt8]
    let rowBytes: Int
    let activationBytes: Int

    init(type: Int32, width: Int, rows: Int, tokens: Int) {
        self.type = type
        self.width = width
        self.rows = rows
        var generator = SplitMix64(seed: UInt64(type) &* 1000 &+ UInt64(width))
        rowBytes = width / Int(ck_block_size(type)) * Int(ck_type_size(type))
        weights = Self.randomWeights(type: type, width: width, rows: rows, generator: &generator)
        let bytesPerToken = Int(ck_activation_row_bytes(type, Int64(width)))
        activationBytes = bytesPerToken
        var prepared = [UInt8](repeating: 0, count: bytesPerToken * tokens)
        var row = [Float](repeating: 0, count: width)
        for t in 0..<tokens {
            for i in 0..<width {
                // Mostly small values, a few outliers, some exact zeros.
                let value = Float(Double(generator.next() % 2001) / 1000 - 1)
                row[i] = generator.next() % 50 == 0 ? value * 40 : (generator.next() % 9 == 0 ? 0 : value)
            }
            prepared.withUnsafeMutableBytes { buffer in
                ck_prepare_activation_row(type, row, buffer.baseAddress! + t * bytesPerToken, Int64(width))
            }
        }
        activations = prepared
    }

    /// Random quants with finite scales, as quantized model files hold.
    static func randomWeights(type: Int32, width: Int, rows: Int, generator: inout SplitMix64) -> [UInt8] {
        let count = width / Int(ck_block_size(type)) * Int(ck_type_size(type)) * rows
        var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        func half(_ value: Float) -> UInt16 { ck_fp32_to_fp16(value) }
        func put(_ value: UInt16, at offset: Int) {
            bytes[offset] = UInt8(value & 0xFF)
            bytes[offset + 1] = UInt8(value >> 8)
        }
        func scale(_ range: Float) -> UInt16 {
            let magnitude = Float(generator.next() % 900 + 100) / 1000 * range
            return half(generator.next() % 2 == 0 ? magnitude : -magnitude)
        }
        let blockBytes = Int(ck_type_size(type))
        switch Int(type) {
        case Int(CK_F32):
            return (0..<width * rows).flatMap { _ -> [UInt8] in
                let bits = (Float(Double(generator.next() % 2001) / 1000 - 1) * 0.05).bitPattern
                return [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: bits >> $0) }
            }
        case Int(CK_F16), Int(CK_BF16):
            for i in 0..<width * rows {
                let value = Float(Double(generator.next() % 2001) / 1000 - 1) * 0.05
                put(type == Int32(CK_F16) ? half(value) : ck_fp32_to_bf16(value), at: 2 * i)
            }
        case Int(CK_Q4_0), Int(CK_Q5_0), Int(CK_Q8_0):
            for offset in stride(from: 0, to: count, by: blockBytes) { put(scale(0.01), at: offset) }
        case Int(CK_Q4_1), Int(CK_Q5_1):
            for offset in stride(from: 0, to: count, by: blockBytes) {
                put(scale(0.01), at: offset)
                put(scale(0.1), at: offset + 2)
            }
        case Int(CK_Q4_K), Int(CK_Q5_K):
            for offset in stride(from: 0, to: count, by: blockBytes) {
                put(scale(0.002), at: offset)
                put(scale(0.002), at: offset + 2)
            }
        default:  // Q6_K: d after the quants and scales
            for offset in stride(from: 0, to: count, by: blockBytes) { put(scale(0.001), at: offset + 208) }
        }
        return bytes
    }

    /// The first element of the `tokens`-token product that differs from the one-token
    /// product or from ck_vec_dot, or that was not written; nil when all agree.
    func firstMismatch(pool: OpaquePointer, tokens: Int) -> String? {
        let stride = rows + 3  // padding after each token's outputs must stay untouched
        let sentinel = Float(-12345)
        var together = [Float](repeating: sentinel, count: stride * tokens)
        var alone = [Float](repeating: sentinel, count: stride)
        return weights.withUnsafeBytes { w in
            activations.withUnsafeBytes { a in
                ck_pool_matmul(pool, type, w.baseAddress, Int64(width), Int64(rows), a.baseAddress, Int64(tokens),
                               &together, Int64(stride))
                for t in 0..<tokens {
                    let token = a.baseAddress! + t * activationBytes
                    ck_pool_matmul(pool, type, w.baseAddress, Int64(width), Int64(rows), token, 1, &alone, Int64(stride))
                    for r in 0..<rows {
                        let got = together[t * stride + r]
                        let dot = ck_vec_dot(type, w.baseAddress! + r * rowBytes, token, Int64(width))
                        if !got.isFinite { return "row \(r) token \(t): \(got) is not finite" }
                        if got.bitPattern != alone[r].bitPattern || got.bitPattern != dot.bitPattern {
                            return "row \(r) token \(t): \(got) together, \(alone[r]) alone, \(dot) by vec_dot"
                        }
                    }
                    for r in rows..<stride where together[t * stride + r] != sentinel {
                        return "token \(t): wrote past the last row"
                    }
                }
                return nil
            }
        }
    }
}
