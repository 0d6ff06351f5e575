import CKernels
import Inference

/// The training passes over a frozen transformer with LoRA matrices.
final class TrainingTransformer {
    let parameters: [TrainableTensor]

    init(model: Model, configuration: LoRAConfiguration, seed: UInt64) throws(TrainingError) {
        parameters = []
        throw .invalidConfiguration("not ready")
    }

    func run(tokens: [TokenID], lossMask: [Bool], backward: Bool) throws(TrainingError) -> (lossSum: Double, count: Int) {
        throw .invalidConfiguration("not ready")
    }

    func logits(tokens: [TokenID]) throws(TrainingError) -> [Float] {
        throw .invalidConfiguration("not ready")
    }
}

extension TrainingTransformer {
    func adapter(alpha: Float, architecture: String) -> LoRAAdapter {
        LoRAAdapter(alpha: alpha, weights: [], architecture: architecture)
    }

    func load(_ adapter: LoRAAdapter) throws(TrainingError) {
        throw .adapterMismatch("not ready")
    }
}
