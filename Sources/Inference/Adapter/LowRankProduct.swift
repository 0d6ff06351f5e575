import CKernels

/// One adapter's low-rank pair on one weight matrix, ready for the forward pass:
/// the matrix acts as `W + multiplier·B·A`, with the multiplier folded into `B`.
struct LowRankPair: Sendable {
    let rank: Int
    let inputWidth: Int
    let outputWidth: Int
    /// `rank` rows of `inputWidth` floats.
    let a: [Float]
    /// `outputWidth` rows of `rank` floats, times the multiplier.
    let scaledB: [Float]

    /// Multiply-adds below which a pair's product runs on the calling thread: a
    /// hand-off to the workers costs about a microsecond, some 2¹⁶ multiply-adds of one
    /// core (one token of a rank-16 pair on SmolLM2's widest matrix is 2¹⁵).
    static let sharedWorkThreshold = 1 << 16

    init(_ weights: LoRAWeights, multiplier: Float) {
        rank = weights.rank
        inputWidth = weights.inputWidth
        outputWidth = weights.outputWidth
        a = weights.a
        scaledB = weights.b.map { $0 * multiplier }
    }

    /// y[t] += B·(A·x[t]) for `tokens` input rows of `inputWidth` floats, contiguous;
    /// `y` rows are `outputWidth` floats, contiguous. `scratch` holds at least
    /// `tokens·(rank + outputWidth)` floats.
    func addProduct(input: UnsafePointer<Float>, tokens: Int, into y: UnsafeMutablePointer<Float>,
                    scratch: UnsafeMutablePointer<Float>) {
        let inner = scratch  // (tokens, rank)
        let product = scratch + tokens * rank  // (tokens, outputWidth)
        let f32 = Int32(GGMLType.f32.rawValue)
        a.withUnsafeBufferPointer { a in
            scaledB.withUnsafeBufferPointer { b in
                // F32 weights take F32 activation rows as they are.
                if tokens * rank * (inputWidth + outputWidth) < Self.sharedWorkThreshold {
                    // One token's product is too small to be worth waking the workers.
                    ck_matmul_rows(f32, a.baseAddress, Int64(inputWidth), 0, Int64(rank), input, Int64(tokens), inner, Int64(rank))
                    ck_matmul_rows(f32, b.baseAddress, Int64(rank), 0, Int64(outputWidth), inner, Int64(tokens), product,
                                   Int64(outputWidth))
                    return
                }
                ComputePool.shared.withPool { pool in
                    ck_pool_matmul(pool, f32, a.baseAddress, Int64(inputWidth), Int64(rank), input, Int64(tokens), inner, Int64(rank))
                    ck_pool_matmul(pool, f32, b.baseAddress, Int64(rank), Int64(outputWidth), inner, Int64(tokens), product,
                                   Int64(outputWidth))
                }
            }
        }
        ck_add(y, product, Int64(tokens * outputWidth))
    }
}

/// The low-rank pairs applied to one weight matrix, filled while the model is built
/// and read-only once it is handed out (so reading it from any thread is safe).
final class LowRankSlot: @unchecked Sendable {
    private(set) var pairs: [LowRankPair] = []

    /// Adds a pair; only while the model that owns the matrix is being built.
    func append(_ pair: LowRankPair) { pairs.append(pair) }

    /// Scratch floats `addProducts` needs for `tokens` rows.
    func scratchCount(tokens: Int) -> Int {
        pairs.map { tokens * ($0.rank + $0.outputWidth) }.max() ?? 0
    }
}
