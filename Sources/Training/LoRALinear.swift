import CKernels
import Inference

/// One projection of a block, y = W x + b + s · B (A x): W frozen and quantized, the
/// optional bias frozen (Qwen2's Q, K, V), A (rank × in) and B (out × rank) trainable
/// when the projection is a target. Rows of x, y and A x are tokens.
struct LoRALinear {
    let weight: FrozenMatrix
    let bias: [Float]?
    /// A and B, or nil when the projection is not adapted.
    let pair: (a: TrainableTensor, b: TrainableTensor)?
    /// alpha / rank.
    let scale: Float
    let rank: Int

    var input: Int { weight.columns }
    var output: Int { weight.rows }

    /// y = W x + b + s · B (A x) for `tokens` rows; `ax` (tokens × rank) keeps A x for
    /// the backward pass.
    func forward(_ x: UnsafePointer<Float>, tokens: Int, into y: UnsafeMutablePointer<Float>,
                 ax: UnsafeMutablePointer<Float>, pool: KernelPool) {
        weight.multiply(x, tokens: tokens, into: y)
        if let bias {
            for t in 0..<tokens {
                let row = y + t * output
                for i in 0..<output { row[i] += bias[i] }
            }
        }
        guard let pair else { return }
        let (input, output, rank) = (Int64(input), Int64(output), Int64(rank))
        pair.a.values.withUnsafeBufferPointer { a in
            pool.run { ck_pool_sgemm($0, 0, 1, Int64(tokens), rank, input, 1, x, input, a.baseAddress, input, 0, ax, rank) }
        }
        pair.b.values.withUnsafeBufferPointer { b in
            pool.run { ck_pool_sgemm($0, 0, 1, Int64(tokens), output, rank, scale, ax, rank, b.baseAddress, rank, 1, y, output) }
        }
    }

    /// Given dy = ∂L/∂y, adds ∂L/∂x into `dx` and ∂L/∂A, ∂L/∂B into the pair's gradients.
    /// `x` and `ax` are the forward's; `dax` is scratch of tokens × rank.
    func backward(_ dy: UnsafePointer<Float>, x: UnsafePointer<Float>, ax: UnsafePointer<Float>, tokens: Int,
                  dx: UnsafeMutablePointer<Float>, dax: UnsafeMutablePointer<Float>, pool: KernelPool) {
        let count = Int64(tokens)
        let (columns, rows) = (Int64(weight.columns), Int64(weight.rows))
        pool.run { ck_pool_matmul_transposed($0, weight.type, weight.data, columns, rows, dy, rows, count, dx, columns) }
        guard let pair else { return }
        let (input, output, rank) = (Int64(input), Int64(output), Int64(rank))
        // dB += s · dyᵀ (A x);  d(Ax) = s · dy B.
        pair.b.gradients.withUnsafeMutableBufferPointer { gradient in
            pool.run { ck_pool_sgemm($0, 1, 0, output, rank, count, scale, dy, output, ax, rank, 1, gradient.baseAddress, rank) }
        }
        pair.b.values.withUnsafeBufferPointer { b in
            pool.run { ck_pool_sgemm($0, 0, 0, count, rank, output, scale, dy, output, b.baseAddress, rank, 0, dax, rank) }
        }
        // dA += d(Ax)ᵀ x;  dx += d(Ax) A.
        pair.a.gradients.withUnsafeMutableBufferPointer { gradient in
            pool.run { ck_pool_sgemm($0, 1, 0, rank, input, count, 1, dax, rank, x, input, 1, gradient.baseAddress, input) }
        }
        pair.a.values.withUnsafeBufferPointer { a in
            pool.run { ck_pool_sgemm($0, 0, 0, count, input, rank, 1, dax, rank, a.baseAddress, input, 1, dx, input) }
        }
    }
}
