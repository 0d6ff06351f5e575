import CKernels
import Foundation

/// The pieces of the forward pass only some architectures use: fused projections
/// (Phi-3), GeGLU and sliding-window attention (Gemma 3), long-context RoPE factors
/// (Phi-3), final logit soft-capping.
extension Transformer {
    /// The factor of q·k before the softmax: 1/√(head width), but 1/√(d_model / heads)
    /// for Gemma 3 27B (62 blocks), whose queries were trained at that scale; llama.cpp
    /// tells the sizes apart the same way.
    var attentionScale: Float {
        if config.architecture == "gemma3" && config.blockCount == 62 {
            return Float(1 / Double(config.embeddingLength / config.headCount).squareRoot())
        }
        return Float(1 / Double(config.headDimension).squareRoot())
    }

    /// x *= factor, element by element (Gemma's √d_model embedding scale).
    static func scale(_ x: UnsafeMutablePointer<Float>, by factor: Float, count: Int) {
        for i in 0..<count { x[i] *= factor }
    }

    /// Splits each row of `fused` (the parts' widths side by side) into the parts'
    /// own contiguous buffers: Phi-3's q|k|v and gate|up products.
    static func split(_ fused: UnsafeMutablePointer<Float>, rows: Int, into parts: [(UnsafeMutablePointer<Float>, Int)]) {
        let width = parts.reduce(0) { $0 + $1.1 }
        for row in 0..<rows {
            var offset = row * width
            for (destination, partWidth) in parts {
                (destination + row * partWidth).update(from: fused + offset, count: partWidth)
                offset += partWidth
            }
        }
    }

    /// GELU (tanh approximation) of every half, rounded to a half: llama.cpp's CPU
    /// backend looks GELU up this way, by the argument rounded to a half.
    private static let geluTable: [Float] = {
        let half = ck_fp16_lookup_table()!
        return (0..<65_536).map { bits in
            let x = half[bits]
            let y = 0.5 * x * (1 + tanhf(0.797_884_56 * x * (1 + 0.044_715 * x * x)))
            return half[Int(ck_fp32_to_fp16(y))]
        }
    }()

    /// gate[i] = gelu(gate[i]) · up[i] (GeGLU), with GELU as llama.cpp computes it.
    static func geglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        geluTable.withUnsafeBufferPointer { table in
            for i in 0..<count {
                let x = gate[i]
                if x <= -10 {
                    gate[i] = 0
                } else if x >= 10 {
                    gate[i] = x * up[i]
                } else {
                    gate[i] = table[Int(ck_fp32_to_fp16(x))] * up[i]
                }
            }
        }
    }

    /// logit = cap · tanh(logit / cap).
    static func softcap(_ logits: inout [Float], cap: Float) {
        for i in logits.indices { logits[i] = cap * tanhf(logits[i] / cap) }
    }

    /// The RoPE frequency divisors for a context of `contextLength` positions:
    /// Llama 3.1's `rope_freqs`, else Phi-3's long factors when the context exceeds
    /// the original one (`rope.scaling.original_context_length`, else the trained
    /// context) and its short factors otherwise, as llama.cpp chooses them.
    func ropeFactors(contextLength: Int) -> [Float]? {
        if let factors = weights.ropeFrequencyFactors { return factors }
        let original = config.ropeOriginalContextLength ?? config.contextLength
        return contextLength > original ? weights.ropeFactorsLong : weights.ropeFactorsShort
    }

    /// Causal attention of a sliding-window layer: each query sees only the `window`
    /// most recent positions, itself included. The window's keys and values are
    /// gathered into one contiguous stretch per query, which the attention kernel
    /// reads as a single page.
    func attendWithinWindow(
        _ window: Int, queries: UnsafeMutablePointer<Float>, layer: Int, cache: KVCache, firstPosition: Int, tokens: Int,
        into output: UnsafeMutablePointer<Float>
    ) {
        let headDimension = config.headDimension
        let width = cache.keyValueWidth
        let queryWidth = config.headCount * headDimension
        let group = config.headCount / config.headCountKV
        let scale: Float = names.scalesQueries ? 1 : attentionScale
        let keys = UnsafeMutablePointer<UInt16>.allocate(capacity: window * width)
        let values = UnsafeMutablePointer<UInt16>.allocate(capacity: window * width)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: window)
        defer {
            keys.deallocate()
            values.deallocate()
            scores.deallocate()
        }
        for t in 0..<tokens {
            let position = firstPosition + t
            let start = max(0, position - window + 1)
            let count = position - start + 1
            for (row, cached) in (start...position).enumerated() {
                (keys + row * width).update(from: cache.keys(layer: layer, position: cached), count: width)
                (values + row * width).update(from: cache.values(layer: layer, position: cached), count: width)
            }
            for head in 0..<config.headCount {
                let kvOffset = (head / group) * headDimension
                var keyPage: UnsafePointer<UInt16>? = UnsafePointer(keys + kvOffset)
                var valuePage: UnsafePointer<UInt16>? = UnsafePointer(values + kvOffset)
                ck_attention_head_paged(
                    queries + t * queryWidth + head * headDimension, &keyPage, &valuePage, Int64(count), Int64(width),
                    Int64(headDimension), Int64(count), scale, scores, output + t * queryWidth + head * headDimension)
            }
        }
    }
}
