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
        a.withUnsafeBufferPointer { a in
            scaledB.withUnsafeBufferPointer { b in
                // F32 weights take F32 activation rows as they are.
                ComputePool.shared.withPool { pool in
                    ck_pool_matmul(pool, Int32(GGMLType.f32.rawValue), a.baseAddress, Int64(inputWidth), Int64(rank),
                                   input, Int64(tokens), inner, Int64(rank))
                    ck_pool_matmul(pool, Int32(GGMLType.f32.rawValue), b.baseAddress, Int64(rank), Int64(outputWidth),
                                   inner, Int64(tokens), product, Int64(outputWidth))
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
