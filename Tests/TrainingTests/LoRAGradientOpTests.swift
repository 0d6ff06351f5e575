import CKernels
import Foundation
import Inference
import Testing
@testable import Training

/// Each training kernel against a float64 reference on every kernel path: backward
/// passes against central finite differences of the op computed in doubles, products
/// against the sums computed in doubles.
@Suite(.serialized)
struct LoRAGradientOpTests {
    static func random(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float.random(in: -scale..<scale, using: &generator) }
    }

    /// ‖a − b‖ / ‖b‖.
    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        let difference = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        return difference / max(1e-30, b.reduce(0) { $0 + $1 * $1 }.squareRoot())
    }

    /// ∂f/∂x by central differences in doubles.
    static func numericGradient(_ x: [Float], step: Double = 1e-5, _ f: ([Double]) -> Double) -> [Double] {
        var point = x.map(Double.init)
        return x.indices.map { i in
            let original = point[i]
            point[i] = original + step
            let plus = f(point)
            point[i] = original - step
            let minus = f(point)
            point[i] = original
            return (plus - minus) / (2 * step)
        }
    }

    @Test("RMSNorm backward matches finite differences", arguments: TrainingFixtures.paths)
    func rmsNorm(path: String) {
        let (rows, width) = (3, 40)
        let x = Self.random(rows * width, seed: 1), weight = Self.random(width, seed: 2), upstream = Self.random(rows * width, seed: 3)
        let epsilon: Float = 1e-5
        var dx = [Float](repeating: 0.5, count: rows * width)  // accumulates onto what is there
        TrainingFixtures.onPath(path) { ck_rms_norm_backward(x, weight, upstream, &dx, Int64(rows), Int64(width), epsilon) }
        let numeric = Self.numericGradient(x) { p in
            var total = 0.0
            for r in 0..<rows {
                let row = p[r * width..<(r + 1) * width]
                let scale = 1 / (row.reduce(0) { $0 + $1 * $1 } / Double(width) + Double(epsilon)).squareRoot()
                for i in 0..<width { total += p[r * width + i] * scale * Double(weight[i]) * Double(upstream[r * width + i]) }
            }
            return total
        }
        #expect(Self.relativeError(dx.map { Double($0) - 0.5 }, numeric) < 1e-5)
    }

    @Test("SwiGLU backward matches finite differences")
    func swiglu() {
        let n = 50
        let gate = Self.random(n, seed: 4, scale: 4), up = Self.random(n, seed: 5), dh = Self.random(n, seed: 6)
        var dgate = [Float](repeating: 0, count: n), dup = dgate
        ck_swiglu_backward(gate, up, dh, &dgate, &dup, Int64(n))
        func swiglu(_ g: [Double], _ u: [Double]) -> Double {
            var total = 0.0
            for i in 0..<n {
                let silu = g[i] / (1 + exp(-g[i]))
                total += silu * u[i] * Double(dh[i])
            }
            return total
        }
        let (gateDouble, upDouble) = (gate.map(Double.init), up.map(Double.init))
        let numericGate = Self.numericGradient(gate) { swiglu($0, upDouble) }
        let numericUp = Self.numericGradient(up) { swiglu(gateDouble, $0) }
        #expect(Self.relativeError(dgate.map(Double.init), numericGate) < 1e-5)
        #expect(Self.relativeError(dup.map(Double.init), numericUp) < 1e-5)
    }

    @Test("RoPE backward is the transpose of the rotation, for both pairings", arguments: [1, 0])
    func rope(interleaved: Int32) {
        let (rows, heads, headDimension, dimensions) = (5, 3, 16, 12)
        let pairs = dimensions / 2
        let angles = (0..<(rows * pairs)).map { Float($0) * 0.37 }
        let cosines = angles.map(cos), sines = angles.map(sin)
        let x = Self.random(rows * heads * headDimension, seed: 7), y = Self.random(rows * heads * headDimension, seed: 8)
        var rotated = x, back = y
        ck_rope_rotate(&rotated, cosines, sines, Int64(rows), Int64(heads), Int64(headDimension), Int64(dimensions), interleaved, 1)
        ck_rope_rotate(&back, cosines, sines, Int64(rows), Int64(heads), Int64(headDimension), Int64(dimensions), interleaved, -1)
        // ⟨R x, y⟩ = ⟨x, Rᵀ y⟩, and the unrotated tail of each head is untouched.
        let left = zip(rotated, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let right = zip(x, back).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(left - right) < 1e-4)
        #expect(rotated[headDimension - 1] == x[headDimension - 1])
        var twice = rotated
        ck_rope_rotate(&twice, cosines, sines, Int64(rows), Int64(heads), Int64(headDimension), Int64(dimensions), interleaved, -1)
        #expect(zip(twice, x).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test("causal GQA attention forward and backward match float64", arguments: TrainingFixtures.paths)
    func attention(path: String) {
        attention(path: path, tokens: 6, everyEntry: true)
        // Longer than one stretch of queries of the forward kernel: checked along one random direction.
        attention(path: path, tokens: 70, everyEntry: false)
    }

    func attention(path: String, tokens: Int, everyEntry: Bool) {
        let (heads, kvHeads, d) = (4, 2, 8)
        let scale: Float = 1 / Float(d).squareRoot()
        let q = Self.random(tokens * heads * d, seed: 9, scale: 2), k = Self.random(tokens * kvHeads * d, seed: 10, scale: 2)
        let v = Self.random(tokens * kvHeads * d, seed: 11), dout = Self.random(tokens * heads * d, seed: 12)
        func reference(_ q: [Double], _ k: [Double], _ v: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: tokens * heads * d)
            for t in 0..<tokens {
                for h in 0..<heads {
                    let kv = h / (heads / kvHeads) * d
                    let scores = (0...t).map { j in (0..<d).reduce(0.0) { $0 + q[t * heads * d + h * d + $1] * k[j * kvHeads * d + kv + $1] } * Double(scale) }
                    let weights = scores.map { exp($0 - scores.max()!) }, sum = weights.reduce(0, +)
                    for j in 0...t {
                        for i in 0..<d { out[t * heads * d + h * d + i] += weights[j] / sum * v[j * kvHeads * d + kv + i] }
                    }
                }
            }
            return out
        }
        var out = [Float](repeating: 0, count: q.count), lse = [Float](repeating: 0, count: tokens * heads)
        var dq = [Float](repeating: 0, count: q.count), dk = [Float](repeating: 0, count: k.count), dv = dk
        TrainingFixtures.onPath(path) {
            ck_pool_attention_forward(nil, q, k, v, Int64(tokens), Int64(heads), Int64(kvHeads), Int64(d), scale, &out, &lse)
            ck_pool_attention_backward(nil, q, k, v, out, lse, dout, Int64(tokens), Int64(heads), Int64(kvHeads), Int64(d), scale,
                                       &dq, &dk, &dv)
        }
        let (qd, kd, vd) = (q.map(Double.init), k.map(Double.init), v.map(Double.init))
        #expect(Self.relativeError(out.map(Double.init), reference(qd, kd, vd)) < 1e-5)
        func project(_ out: [Double]) -> Double { zip(out, dout).reduce(0) { $0 + $1.0 * Double($1.1) } }
        guard everyEntry else {
            let (rq, rk, rv) = (Self.random(q.count, seed: 21).map(Double.init), Self.random(k.count, seed: 22).map(Double.init),
                                Self.random(v.count, seed: 23).map(Double.init))
            let step = 1e-5
            func along(_ sign: Double) -> Double {
                project(reference(zip(qd, rq).map { $0 + sign * step * $1 }, zip(kd, rk).map { $0 + sign * step * $1 },
                                  zip(vd, rv).map { $0 + sign * step * $1 }))
            }
            let numeric = (along(1) - along(-1)) / (2 * step)
            let analytic = zip(dq, rq).reduce(0) { $0 + Double($1.0) * $1.1 } + zip(dk, rk).reduce(0) { $0 + Double($1.0) * $1.1 }
                + zip(dv, rv).reduce(0) { $0 + Double($1.0) * $1.1 }
            #expect(abs(analytic - numeric) < 1e-4 * max(1, abs(numeric)), "\(tokens) tokens on \(path): \(analytic) vs \(numeric)")
            return
        }
        #expect(Self.relativeError(dq.map(Double.init), Self.numericGradient(q) { project(reference($0, kd, vd)) }) < 1e-4)
        #expect(Self.relativeError(dk.map(Double.init), Self.numericGradient(k) { project(reference(qd, $0, vd)) }) < 1e-4)
        #expect(Self.relativeError(dv.map(Double.init), Self.numericGradient(v) { project(reference(qd, kd, $0)) }) < 1e-4)
    }

    @Test("cross-entropy gradient matches finite differences")
    func crossEntropy() {
        let logits = Self.random(30, seed: 13, scale: 5)
        var gradient = logits
        let loss = ck_cross_entropy_row(&gradient, 30, 11, 1)
        func reference(_ z: [Double]) -> Double {
            let maximum = z.max()!
            return maximum + log(z.reduce(0) { $0 + exp($1 - maximum) }) - z[11]
        }
        #expect(abs(loss - reference(logits.map(Double.init))) < 1e-6)
        #expect(Self.relativeError(gradient.map(Double.init), Self.numericGradient(logits, reference)) < 1e-5)
    }

    @Test("float products match float64 for every transposition", arguments: TrainingFixtures.paths)
    func sgemm(path: String) {
        let (m, n, k) = (7, 37, 19)
        for (ta, tb) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
            let a = Self.random(m * k, seed: 14), b = Self.random(k * n, seed: 15)
            let c0 = Self.random(m * n, seed: 16)
            var c = c0
            let (lda, ldb) = (ta == 1 ? m : k, tb == 1 ? k : n)
            TrainingFixtures.onPath(path) {
                ck_pool_sgemm(nil, Int32(ta), Int32(tb), Int64(m), Int64(n), Int64(k), 0.5, a, Int64(lda), b, Int64(ldb), 2, &c, Int64(n))
            }
            var expected = [Double](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0
                    for p in 0..<k {
                        sum += Double(ta == 1 ? a[p * lda + i] : a[i * lda + p]) * Double(tb == 1 ? b[j * ldb + p] : b[p * ldb + j])
                    }
                    expected[i * n + j] = 0.5 * sum + 2 * Double(c0[i * n + j])
                }
            }
            #expect(Self.relativeError(c.map(Double.init), expected) < 1e-6, "transpose \(ta), \(tb) on \(path)")
        }
    }

    /// The tiny models' matrices in every weight type the fixtures have.
    static let quantizedFiles = ["tiny-llama-f32.gguf", "tiny-llama-f16.gguf", "tiny-llama-bf16.gguf", "tiny-llama-q4_0.gguf",
                                 "tiny-llama-q4_1.gguf", "tiny-llama-q5_0.gguf", "tiny-llama-q5_1.gguf", "tiny-llama-q8_0.gguf",
                                 "tiny-llama-q4_k_m.gguf", "tiny-llama-q5_k_m.gguf", "tiny-llama-q6_k.gguf"]

    @Test("dx += dy · W with W dequantized inside the kernel matches float64", arguments: TrainingFixtures.paths)
    func transposedProduct(path: String) throws {
        for file in Self.quantizedFiles {
            let model = try TrainingFixtures.tinyModel(file)
            let frozen = try model.transformer.frozenWeights()
            for matrix in [frozen.layers[0].query, frozen.layers[0].key, frozen.layers[0].down, frozen.output] {
                let tokens = 9
                let dy = Self.random(tokens * matrix.rows, seed: 17), start = Self.random(tokens * matrix.columns, seed: 18)
                var dx = start
                TrainingFixtures.onPath(path) {
                    ck_pool_matmul_transposed(nil, matrix.type, matrix.data, Int64(matrix.columns), Int64(matrix.rows), dy,
                                              Int64(matrix.rows), Int64(tokens), &dx, Int64(matrix.columns))
                }
                var expected = start.map(Double.init)
                var row = [Float](repeating: 0, count: matrix.columns)
                for r in 0..<matrix.rows {
                    row.withUnsafeMutableBufferPointer { matrix.dequantizeRow(r, into: $0.baseAddress!) }
                    for t in 0..<tokens {
                        for c in 0..<matrix.columns { expected[t * matrix.columns + c] += Double(dy[t * matrix.rows + r]) * Double(row[c]) }
                    }
                }
                #expect(Self.relativeError(dx.map(Double.init), expected) < 1e-5, "\(file) \(matrix.name) on \(path)")
            }
        }
    }

    @Test("the multiply-add probe counts its work")
    func probe() {
        #expect(ck_fma_probe(10) >= 100)
    }
}
