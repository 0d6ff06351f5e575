import Foundation

/// AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization"), step for step
/// as PyTorch's `torch.optim.AdamW` computes it:
///
///     θ ← θ·(1 − lr·λ)
///     m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
///     θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
///
/// One pair of moment buffers per trainable tensor, in the model's tensor order; they and
/// the step count are the state a checkpoint keeps.
public struct AdamW: Sendable, Equatable {
    /// The optimiser's constants.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Decay of the first moment (the gradients' running mean).
        public var beta1: Double
        /// Decay of the second moment (the squared gradients' running mean).
        public var beta2: Double
        /// Added to the denominator so a tiny second moment cannot blow up the step.
        public var epsilon: Double
        /// Decoupled weight decay λ (0: none, the usual choice for LoRA).
        public var weightDecay: Double

        enum CodingKeys: String, CodingKey {
            case beta1, beta2, epsilon, weightDecay = "weight_decay"
        }

        /// The usual constants: β1 0.9, β2 0.999, ε 1e-8, no weight decay.
        public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0) {
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
        }
    }

    /// The constants.
    public let configuration: Configuration
    /// Updates made so far (t in the bias corrections).
    public internal(set) var step = 0
    /// First moments, one buffer per tensor.
    public internal(set) var firstMoments: [[Float]]
    /// Second moments, one buffer per tensor.
    public internal(set) var secondMoments: [[Float]]

    /// An optimiser for tensors of `sizes` elements, with zero moments.
    public init(configuration: Configuration = Configuration(), sizes: [Int]) {
        self.configuration = configuration
        firstMoments = sizes.map { [Float](repeating: 0, count: $0) }
        secondMoments = firstMoments
    }

    /// An optimiser restored from a checkpoint's state.
    public init(configuration: Configuration, step: Int, firstMoments: [[Float]], secondMoments: [[Float]]) {
        self.configuration = configuration
        self.step = step
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
    }

    /// Starts an update: the step count the bias corrections use goes up by one. Call
    /// once per optimiser step, before `update` on each tensor.
    public mutating func beginStep() { step += 1 }

    /// Updates tensor `index`'s `values` with its `gradients` scaled by `gradientScale`
    /// (the mean over the batch's targets and the clipping factor in one).
    public mutating func update(
        tensor index: Int, values: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
        learningRate: Double, gradientScale: Float
    ) {
        precondition(step > 0, "beginStep() before update")
        precondition(values.count == firstMoments[index].count && gradients.count == values.count, "tensor \(index) changed size")
        let beta1 = Float(configuration.beta1), beta2 = Float(configuration.beta2)
        let epsilon = Float(configuration.epsilon)
        let decay = Float(1 - learningRate * configuration.weightDecay)
        let stepSize = Float(learningRate / (1 - Foundation.pow(configuration.beta1, Double(step))))
        let correction2 = Float((1 - Foundation.pow(configuration.beta2, Double(step))).squareRoot())
        firstMoments[index].withUnsafeMutableBufferPointer { m in
            secondMoments[index].withUnsafeMutableBufferPointer { v in
                for i in 0..<values.count {
                    let g = gradients[i] * gradientScale
                    m[i] = beta1 * m[i] + (1 - beta1) * g
                    v[i] = beta2 * v[i] + (1 - beta2) * g * g
                    let denominator = v[i].squareRoot() / correction2 + epsilon
                    values[i] = values[i] * decay - stepSize * m[i] / denominator
                }
            }
        }
    }

}

/// Clipping by global norm: when the gradients of all tensors together are longer than
/// `maximum`, they are scaled down to that length (Pascanu et al.; `clip_grad_norm_`).
public enum GradientClipping {
    /// √(Σ g²) over every tensor's gradients, each multiplied by `scale` first.
    public static func globalNorm(_ tensors: [[Float]], scale: Float) -> Double {
        var sum = 0.0
        for gradients in tensors {
            gradients.withUnsafeBufferPointer { buffer in
                for g in buffer { sum += Double(g) * Double(g) }
            }
        }
        return sum.squareRoot() * Double(abs(scale))
    }

    /// The factor that brings a gradient of length `norm` to at most `maximum` (1 when
    /// already within it, or when clipping is off: `maximum` ≤ 0).
    public static func factor(norm: Double, maximum: Double) -> Float {
        guard maximum > 0, norm > maximum, norm.isFinite else { return 1 }
        return Float(maximum / (norm + 1e-6))
    }
}
