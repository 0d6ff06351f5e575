import CKernels
import Foundation

/// A frozen weight matrix as training reads it: in its GGML type, in the mapped file.
/// `rows` outputs of `columns` inputs each (y = W x has `rows` values).
package struct FrozenMatrix: @unchecked Sendable {
    let matrix: WeightMatrix

    /// The tensor's name in the file.
    package var name: String { matrix.name }
    /// The GGML type code (`CK_Q4_1`, …).
    package var type: Int32 { Int32(matrix.type.rawValue) }
    /// The input width (GGML's ne0).
    package var columns: Int { matrix.columns }
    /// The output width (GGML's ne1).
    package var rows: Int { matrix.rows }
    /// The first row's first block.
    package var data: UnsafeRawPointer { matrix.data }

    /// Row `index` as floats.
    package func dequantizeRow(_ index: Int, into output: UnsafeMutablePointer<Float>) {
        matrix.dequantizeRow(index, into: output)
    }

    /// y[t] = W x[t] for `tokens` rows of `x` (`columns` floats each) into rows of `y`
    /// (`rows` floats each), with the inference engine's product (activations
    /// quantized to the weight type's partner format, as the forward pass does).
    package func multiply(_ x: UnsafePointer<Float>, tokens: Int, into y: UnsafeMutablePointer<Float>) {
        let prepared = PreparedActivations(type: matrix.type, columns: columns, maximumTokens: tokens)
        prepared.prepare(x, tokens: tokens, stride: columns)
        matrix.multiply(prepared, tokens: tokens, into: y, outputStride: rows)
    }
}

/// The frozen weights of one block, for the training passes (separate Q, K, V and
/// gate, up: the `llama` and `qwen2` layouts).
package struct FrozenLayer: Sendable {
    package let attentionNorm: [Float]
    package let query, key, value: FrozenMatrix
    /// Qwen2's Q, K and V biases.
    package let queryBias, keyBias, valueBias: [Float]?
    package let attentionOutput: FrozenMatrix
    package let feedForwardNorm: [Float]
    package let gate, up, down: FrozenMatrix
}

/// Everything the training passes need from a transformer, read-only.
package struct FrozenTransformer: Sendable {
    package let tokenEmbedding: FrozenMatrix
    package let outputNorm: [Float]
    /// The output projection (the token embedding when the model ties them).
    package let output: FrozenMatrix
    package let layers: [FrozenLayer]
    /// Whether RoPE pairs adjacent dimensions (llama) rather than halves (qwen2).
    package let interleavedRoPE: Bool
    /// The factor of q·k before the softmax.
    package let attentionScale: Float
}

/// Why a transformer cannot be trained: a block variation the training passes lack.
package enum TrainingSupportError: Error, Sendable {
    case unsupported(String)
}

extension Transformer {
    /// The architectures whose block the training passes implement.
    package static let trainableArchitectures = ["llama", "qwen2"]

    /// The frozen weights for the training passes.
    /// - Throws: `TrainingSupportError` naming the variation when the model uses one
    ///   the training passes do not implement (fused projections, norms of Q and K,
    ///   post-norms, GeGLU, embedding or query scaling, sliding windows, soft-capping).
    package func frozenWeights() throws(TrainingSupportError) -> FrozenTransformer {
        guard Self.trainableArchitectures.contains(config.architecture) else {
            throw .unsupported("the \(config.architecture) architecture")
        }
        guard !names.hasQKNorm, !names.hasPostNorms, names.activation == .silu, !names.scalesEmbedding,
              !names.scalesQueries, config.slidingWindow == nil, config.finalLogitSoftcapping == nil
        else { throw .unsupported("a block variation of \(config.architecture)") }
        var layers: [FrozenLayer] = []
        for layer in weights.layers {
            guard case let .separate(query, key, value) = layer.projection, let gate = layer.gate else {
                throw .unsupported("fused projections")
            }
            layers.append(FrozenLayer(
                attentionNorm: layer.attentionNorm,
                query: FrozenMatrix(matrix: query), key: FrozenMatrix(matrix: key), value: FrozenMatrix(matrix: value),
                queryBias: layer.queryBias, keyBias: layer.keyBias, valueBias: layer.valueBias,
                attentionOutput: FrozenMatrix(matrix: layer.attentionOutput),
                feedForwardNorm: layer.feedForwardNorm,
                gate: FrozenMatrix(matrix: gate), up: FrozenMatrix(matrix: layer.up), down: FrozenMatrix(matrix: layer.down)))
        }
        return FrozenTransformer(
            tokenEmbedding: FrozenMatrix(matrix: weights.tokenEmbedding), outputNorm: weights.outputNorm,
            output: FrozenMatrix(matrix: weights.output), layers: layers,
            interleavedRoPE: ropeStyle == .interleaved, attentionScale: attentionScale)
    }

    /// RoPE's cosines and sines for positions 0..<count, (count, ropeDimensionCount / 2)
    /// each, computed as the forward pass computes them for a context of `contextLength`.
    package func ropeTables(count: Int, contextLength: Int) -> (cosines: [Float], sines: [Float]) {
        let pairs = config.ropeDimensionCount / 2
        let factors = ropeFactors(contextLength: contextLength)
        let attentionFactor = config.ropeAttentionFactor ?? 1
        var cosines = [Float](repeating: 0, count: count * pairs)
        var sines = cosines
        for position in 0..<count {
            for i in 0..<pairs {
                var frequency = pow(config.ropeFrequencyBase, -2 * Double(i) / Double(config.ropeDimensionCount))
                if let factors { frequency /= Double(factors[i]) }
                let angle = Double(position) * positionScale * frequency
                cosines[position * pairs + i] = Float(cos(angle) * attentionFactor)
                sines[position * pairs + i] = Float(sin(angle) * attentionFactor)
            }
        }
        return (cosines, sines)
    }

    /// Runs `body` with the engine's worker pool (shared with inference; one parallel
    /// loop at a time).
    package func withComputePool<T>(_ body: (OpaquePointer?) -> T) -> T {
        ComputePool.shared.withPool(body)
    }
}
