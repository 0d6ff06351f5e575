import Inference

/// What the training loop needs of a model: passes that add gradients into its trainable
/// tensors, the tensors themselves (the optimiser updates their values in place), and a
/// way to write what it learned. `LoRATrainingModel` is one; tests use small toys.
public protocol TrainableModel: AnyObject {
    /// Forward and backward over one sequence: adds the gradients of the summed loss into
    /// `parameters` and returns that sum and how many predictions it covers.
    /// `lossMask[i]` says whether position i's prediction of `tokens[i + 1]` counts.
    func accumulateGradients(tokens: [TokenID], lossMask: [Bool]) throws(TrainingError) -> (lossSum: Double, count: Int)
    /// The forward pass only: the summed loss of the counted predictions and their number.
    func loss(tokens: [TokenID], lossMask: [Bool]) throws(TrainingError) -> (lossSum: Double, count: Int)
    /// The trainable tensors, always in the same order.
    var parameters: [TrainableTensor] { get }
    /// Sets every gradient to zero.
    func zeroGradients()
    /// Writes what was learned (a LoRA adapter GGUF) to `path`.
    func writeAdapter(to path: String) throws
}

extension LoRATrainingModel: TrainableModel {
    /// Writes the current A and B matrices as a llama.cpp LoRA adapter.
    public func writeAdapter(to path: String) throws { try adapter().write(to: path) }
}

extension PackedSequence {
    /// The mask in the model's terms: position i counts when token i + 1 is a target.
    var predictionMask: [Bool] {
        guard !lossMask.isEmpty else { return [] }
        return Array(lossMask.dropFirst()) + [false]
    }
}
