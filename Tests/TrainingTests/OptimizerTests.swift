import Testing
@testable import Training

/// AdamW against steps computed by hand (PyTorch's formulas, in float64), and clipping.
struct OptimizerTests {
    /// One update of `values` with `gradients`.
    static func update(_ optimizer: inout AdamW, _ values: inout [Float], _ gradients: [Float], rate: Double, scale: Float = 1) {
        optimizer.beginStep()
        values.withUnsafeMutableBufferPointer { v in
            gradients.withUnsafeBufferPointer { g in
                optimizer.update(tensor: 0, values: v, gradients: g, learningRate: rate, gradientScale: scale)
            }
        }
    }

    @Test("two AdamW steps with weight decay equal the hand-computed ones")
    func handComputed() {
        // p = 1, g = 0.5 then -0.25, lr 0.1, λ 0.01:
        // step 1: p·(1 − 0.001) = 0.999; m = 0.05, v = 0.00025; m̂ = 0.5, √v̂ = 0.5 → p = 0.999 − 0.1 = 0.899
        // step 2: p·0.999, m = 0.02, v = 0.00031225, m̂ = 0.02/0.19, √v̂ = √(0.00031225/0.001999) → p = 0.8714672987058463
        var optimizer = AdamW(configuration: AdamW.Configuration(weightDecay: 0.01), sizes: [1])
        var values: [Float] = [1]
        Self.update(&optimizer, &values, [0.5], rate: 0.1)
        #expect(abs(values[0] - 0.899) < 1e-6)
        #expect(abs(optimizer.firstMoments[0][0] - 0.05) < 1e-7 && abs(optimizer.secondMoments[0][0] - 0.00025) < 1e-8)
        Self.update(&optimizer, &values, [-0.25], rate: 0.1)
        #expect(abs(Double(values[0]) - 0.8714672987058463) < 1e-6)
        #expect(optimizer.step == 2)
    }

    @Test("the first step moves every parameter by the learning rate against its gradient's sign")
    func firstStepIsSignDescent() {
        var optimizer = AdamW(sizes: [4])
        var values: [Float] = [0, 1, -1, 2]
        Self.update(&optimizer, &values, [3, -0.001, 100, 0], rate: 0.01)
        #expect(abs(values[0] - -0.01) < 1e-6 && abs(values[1] - 1.01) < 1e-5 && abs(values[2] - -1.01) < 1e-6)
        #expect(values[3] == 2, "a zero gradient does not move")
    }

    @Test("the gradient scale multiplies the gradient before the moments")
    func gradientScale() {
        var scaled = AdamW(sizes: [1]), plain = AdamW(sizes: [1])
        var a: [Float] = [1], b: [Float] = [1]
        Self.update(&scaled, &a, [4], rate: 0.1, scale: 0.25)
        Self.update(&plain, &b, [1], rate: 0.1)
        #expect(a == b && scaled.firstMoments == plain.firstMoments && scaled.secondMoments == plain.secondMoments)
    }

    @Test("global-norm clipping: the norm over all tensors, scaled down only above the maximum")
    func clipping() {
        let norm = GradientClipping.globalNorm([[3, 0], [4]], scale: 2)
        #expect(abs(norm - 10) < 1e-12)
        #expect(abs(Double(GradientClipping.factor(norm: norm, maximum: 1)) - 0.1) < 1e-6)
        #expect(GradientClipping.factor(norm: 0.5, maximum: 1) == 1)
        #expect(GradientClipping.factor(norm: 50, maximum: 0) == 1, "0 turns clipping off")
        // After clipping, the update's gradient has the maximum's length.
        let factor = GradientClipping.factor(norm: norm, maximum: 1)
        #expect(abs(GradientClipping.globalNorm([[3, 0], [4]], scale: 2 * factor) - 1) < 1e-5)
    }
}
