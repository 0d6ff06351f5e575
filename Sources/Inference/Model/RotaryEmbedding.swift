import Foundation

/// Rotary position embedding for a run of consecutive positions: each pair of
/// dimensions (i, i') of a head is rotated by position · base^(−2i/d), divided by
/// an optional per-pair factor (Llama 3.1's long-context frequencies, Phi-3's long
/// and short factors); cosines and sines are multiplied by `attentionFactor` (1 but
/// for Phi-3's long-context files), as llama.cpp's RoPE does.
struct RotaryEmbedding {
    let positions: Range<Int>
    let dimensions: Int
    /// (position, dimensions/2) cosines and sines.
    private let cosines: [Float]
    private let sines: [Float]

    init(positions: Range<Int>, dimensions: Int, base: Double, positionScale: Double, factors: [Float]?,
         attentionFactor: Double = 1) {
        self.positions = positions
        self.dimensions = dimensions
        let pairs = dimensions / 2
        var cosines = [Float](repeating: 0, count: positions.count * pairs)
        var sines = cosines
        for (row, position) in positions.enumerated() {
            for i in 0..<pairs {
                var frequency = pow(base, -2 * Double(i) / Double(dimensions))
                if let factors { frequency /= Double(factors[i]) }
                let angle = Double(position) * positionScale * frequency
                cosines[row * pairs + i] = Float(cos(angle) * attentionFactor)
                sines[row * pairs + i] = Float(sin(angle) * attentionFactor)
            }
        }
        self.cosines = cosines
        self.sines = sines
    }

    /// Rotates the first `dimensions` values of every head of every row of `x`
    /// (rows are `heads × headDimension` floats, one per position).
    func apply(to x: UnsafeMutablePointer<Float>, heads: Int, headDimension: Int, style: RoPEStyle) {
        let pairs = dimensions / 2
        for row in 0..<positions.count {
            for head in 0..<heads {
                let base = x + (row * heads + head) * headDimension
                for i in 0..<pairs {
                    let (first, second) = style == .interleaved ? (2 * i, 2 * i + 1) : (i, i + pairs)
                    let c = cosines[row * pairs + i], s = sines[row * pairs + i]
                    let a = base[first], b = base[second]
                    base[first] = a * c - b * s
                    base[second] = a * s + b * c
                }
            }
        }
    }
}
