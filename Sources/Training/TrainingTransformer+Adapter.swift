import Inference

/// The LoRA pairs as an adapter (to write in llama.cpp's format) and back (to resume).
extension TrainingTransformer {
    /// The pairs in layer order, each with its layer and target.
    private var pairs: [(layer: Int, target: LoRATarget, linear: LoRALinear)] {
        layers.enumerated().flatMap { index, layer in
            [(LoRATarget.q, layer.query), (.k, layer.key), (.v, layer.value), (.o, layer.output),
             (.gate, layer.gate), (.up, layer.up), (.down, layer.down)]
                .filter { $0.1.pair != nil }
                .map { (index, $0.0, $0.1) }
        }
    }

    func adapter(alpha: Float, architecture: String) -> LoRAAdapter {
        let weights = pairs.map { layer, target, linear in
            LoRAWeights(layer: layer, target: target, rank: linear.rank, inputWidth: linear.input, outputWidth: linear.output,
                        a: linear.pair!.a.values, b: linear.pair!.b.values)
        }
        return LoRAAdapter(alpha: alpha, weights: weights, architecture: architecture)
    }

    func load(_ adapter: LoRAAdapter) throws(TrainingError) {
        let ours = pairs
        var byName: [String: LoRAWeights] = [:]
        for weights in adapter.weights { byName[weights.weightName] = weights }
        guard byName.count == ours.count else {
            throw .adapterMismatch("it has \(byName.count) LoRA pairs; this training run has \(ours.count)")
        }
        for (layer, target, linear) in ours {
            let name = target.weightName(layer: layer)
            guard let weights = byName[name], let pair = linear.pair else {
                throw .adapterMismatch("it has no pair for \(name)")
            }
            guard weights.rank == linear.rank, weights.a.count == pair.a.values.count, weights.b.count == pair.b.values.count else {
                throw .adapterMismatch(
                    "\(name) has rank \(weights.rank) and \(weights.inputWidth) → \(weights.outputWidth); expected rank \(linear.rank) and \(linear.input) → \(linear.output)")
            }
        }
        for (layer, target, linear) in ours {
            let weights = byName[target.weightName(layer: layer)]!
            linear.pair!.a.values = weights.a
            linear.pair!.b.values = weights.b
        }
    }
}
