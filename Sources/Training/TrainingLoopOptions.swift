/// The settings of a training run (everything but the model and the data).
public struct TrainingOptions: Codable, Sendable, Equatable {
    /// How long to train.
    public enum Length: Codable, Sendable, Equatable {
        /// Passes over the training conversations.
        case epochs(Int)
        /// Optimiser steps, repeating the data as often as needed.
        case steps(Int)
    }

    /// How long to train (one epoch by default).
    public var length: Length = .epochs(1)
    /// The peak learning rate (2e-4, a common LoRA rate).
    public var learningRate = 2e-4
    /// Warm-up steps; nil means 5% of the steps.
    public var warmupSteps: Int?
    /// Tokens per sequence: conversations are packed up to this many.
    public var context = 512
    /// Tokens per optimiser step (gradients accumulate over sequences until reached);
    /// nil means one context's worth.
    public var batchTokens: Int?
    /// Seeds the validation split, the shuffling of every epoch and the LoRA matrices.
    public var seed: UInt64 = 0
    /// The share of conversations held out for the validation loss (0: none).
    public var validationFraction = 0.05
    /// Steps between validation losses; nil means about ten over the run (always at the end).
    public var evaluateEvery: Int?
    /// Steps between checkpoints; nil or 0: only when interrupted.
    public var saveEvery: Int?
    /// The longest gradient (global L2 norm) an update may use; 0 turns clipping off.
    public var clip = 1.0
    /// AdamW's constants (weight decay included).
    public var optimizer = AdamW.Configuration()

    /// The defaults: one epoch at 2e-4, context 512, seed 0, 5% held out, clip 1.
    public init() {}

    /// The tokens per step in effect.
    public var effectiveBatchTokens: Int { batchTokens ?? context }

    /// The validation interval in effect for a run of `totalSteps`.
    public func evaluationInterval(totalSteps: Int) -> Int {
        evaluateEvery ?? max(1, totalSteps / 10)
    }

    /// The settings that change the numbers a run produces, by name, for telling which
    /// differ between a checkpoint and the run that resumes it (the intervals of
    /// validation and checkpoints change nothing the model learns).
    var resultDefiningSettings: [String: String] {
        let lengthText: String
        switch length {
        case .epochs(let count): lengthText = "\(count) epochs"
        case .steps(let count): lengthText = "\(count) steps"
        }
        return [
            "--epochs/--steps": lengthText, "--lr": "\(learningRate)", "--warmup": warmupSteps.map(String.init) ?? "default",
            "--context": "\(context)", "--batch-tokens": "\(effectiveBatchTokens)", "--seed": "\(seed)",
            "--validation": "\(validationFraction)", "--clip": "\(clip)", "--weight-decay": "\(optimizer.weightDecay)",
            "AdamW betas and epsilon": "\(optimizer.beta1) \(optimizer.beta2) \(optimizer.epsilon)",
        ]
    }
}
