import Foundation
import Inference
@testable import Training

/// The whole LoRA model in doubles, straight from the definitions (no kernels), for
/// finite-difference gradient checks: the frozen weights dequantized once, the LoRA
/// pairs read from the training model's current values (so perturbing one entry of a
/// reference copy and re-running gives the loss the kernels should differentiate).
struct ReferenceLoRAModel {
    struct Linear {
        let rows: Int, columns: Int
        let weight: [Double]
        let bias: [Double]?
        /// Index into `pairs` of this projection's A (its B follows), if adapted.
        let pair: Int?
    }
    struct Layer {
        let attentionNorm, feedForwardNorm: [Double]
        let query, key, value, output, gate, up, down: Linear
    }

    let config: ModelConfig
    let embedding: [Double]
    let outputNorm: [Double]
    let output: Linear
    let layers: [Layer]
    let cosines, sines: [Float]
    let interleaved: Bool
    let scale: Double
    /// The pairs' values: A then B of each adapted projection, as `parameters` orders them.
    var pairs: [[Double]]

    init(model: Model, training: LoRATrainingModel, tokens: Int) throws {
        let frozen = try model.transformer.frozenWeights()
        config = model.config
        func dense(_ matrix: FrozenMatrix) -> [Double] {
            var row = [Float](repeating: 0, count: matrix.columns)
            var values: [Double] = []
            values.reserveCapacity(matrix.rows * matrix.columns)
            for r in 0..<matrix.rows {
                row.withUnsafeMutableBufferPointer { matrix.dequantizeRow(r, into: $0.baseAddress!) }
                values += row.map(Double.init)
            }
            return values
        }
        let names = training.parameters.map(\.name)
        func linear(_ matrix: FrozenMatrix, _ target: LoRATarget, _ layer: Int, bias: [Float]? = nil) -> Linear {
            Linear(rows: matrix.rows, columns: matrix.columns, weight: dense(matrix), bias: bias?.map(Double.init),
                   pair: names.firstIndex(of: target.weightName(layer: layer) + ".lora_a"))
        }
        embedding = dense(frozen.tokenEmbedding)
        outputNorm = frozen.outputNorm.map(Double.init)
        output = Linear(rows: frozen.output.rows, columns: frozen.output.columns, weight: dense(frozen.output), bias: nil, pair: nil)
        layers = frozen.layers.enumerated().map { index, layer in
            Layer(
                attentionNorm: layer.attentionNorm.map(Double.init), feedForwardNorm: layer.feedForwardNorm.map(Double.init),
                query: linear(layer.query, .q, index, bias: layer.queryBias),
                key: linear(layer.key, .k, index, bias: layer.keyBias),
                value: linear(layer.value, .v, index, bias: layer.valueBias),
                output: linear(layer.attentionOutput, .o, index), gate: linear(layer.gate, .gate, index),
                up: linear(layer.up, .up, index), down: linear(layer.down, .down, index))
        }
        (cosines, sines) = model.transformer.ropeTables(count: tokens, contextLength: tokens)
        interleaved = frozen.interleavedRoPE
        scale = Double(training.configuration.scale)
        pairs = training.parameters.map { $0.values.map(Double.init) }
    }

    private func apply(_ linear: Linear, _ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: linear.rows)
        for r in 0..<linear.rows {
            var sum = linear.bias?[r] ?? 0
            for c in 0..<linear.columns { sum += linear.weight[r * linear.columns + c] * x[c] }
            y[r] = sum
        }
        guard let index = linear.pair else { return y }
        let a = pairs[index], b = pairs[index + 1]
        let rank = a.count / linear.columns
        var ax = [Double](repeating: 0, count: rank)
        for i in 0..<rank {
            for c in 0..<linear.columns { ax[i] += a[i * linear.columns + c] * x[c] }
        }
        for r in 0..<linear.rows {
            for i in 0..<rank { y[r] += scale * b[r * rank + i] * ax[i] }
        }
        return y
    }

    private func rmsNorm(_ x: [Double], _ weight: [Double]) -> [Double] {
        let mean = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
        let r = 1 / (mean + config.rmsNormEpsilon).squareRoot()
        return zip(x, weight).map { $0 * r * $1 }
    }

    private func rotate(_ x: inout [Double], heads: Int, position: Int) {
        let d = config.headDimension, pairs = config.ropeDimensionCount / 2
        for head in 0..<heads {
            for i in 0..<pairs {
                let (first, second) = interleaved ? (2 * i, 2 * i + 1) : (i, i + pairs)
                let c = Double(cosines[position * pairs + i]), s = Double(sines[position * pairs + i])
                let a = x[head * d + first], b = x[head * d + second]
                x[head * d + first] = a * c - b * s
                x[head * d + second] = a * s + b * c
            }
        }
    }

    /// The summed cross-entropy of predicting tokens[i + 1] at the masked-in positions i.
    func loss(tokens: [TokenID], lossMask: [Bool]) -> Double {
        let e = config.embeddingLength, d = config.headDimension
        let heads = config.headCount, kvHeads = config.headCountKV, group = heads / kvHeads
        var x = tokens.map { Array(embedding[Int($0) * e..<(Int($0) + 1) * e]) }
        for layer in layers {
            var q: [[Double]] = [], k: [[Double]] = [], v: [[Double]] = []
            for (t, row) in x.enumerated() {
                let n = rmsNorm(row, layer.attentionNorm)
                var qt = apply(layer.query, n), kt = apply(layer.key, n)
                rotate(&qt, heads: heads, position: t)
                rotate(&kt, heads: kvHeads, position: t)
                q.append(qt)
                k.append(kt)
                v.append(apply(layer.value, n))
            }
            for t in x.indices {
                var attention = [Double](repeating: 0, count: heads * d)
                for h in 0..<heads {
                    let kv = (h / group) * d
                    var scores = (0...t).map { j in
                        (0..<d).reduce(0.0) { $0 + q[t][h * d + $1] * k[j][kv + $1] } / Double(d).squareRoot()
                    }
                    let maximum = scores.max()!
                    scores = scores.map { exp($0 - maximum) }
                    let sum = scores.reduce(0, +)
                    for j in 0...t {
                        for i in 0..<d { attention[h * d + i] += scores[j] / sum * v[j][kv + i] }
                    }
                }
                let o = apply(layer.output, attention)
                for i in 0..<e { x[t][i] += o[i] }
                let n = rmsNorm(x[t], layer.feedForwardNorm)
                let g = apply(layer.gate, n), u = apply(layer.up, n)
                let hidden = zip(g, u).map { $0 / (1 + exp(-$0)) * $1 }
                let down = apply(layer.down, hidden)
                for i in 0..<e { x[t][i] += down[i] }
            }
        }
        var total = 0.0
        for t in 0..<(tokens.count - 1) where lossMask[t] {
            let logits = apply(output, rmsNorm(x[t], outputNorm))
            let maximum = logits.max()!
            let logSum = maximum + log(logits.reduce(0) { $0 + exp($1 - maximum) })
            total += logSum - logits[Int(tokens[t + 1])]
        }
        return total
    }
}
