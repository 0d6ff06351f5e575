import Foundation

/// The JSON log of a run (`ADAPTER.log.json`): its configuration, every step's loss,
/// learning rate, gradient norm and speed, the validation losses, the final numbers and
/// the versions that produced it.
public struct TrainingLog: Codable, Sendable {
    /// What was trained, on what, how.
    public struct Configuration: Codable, Sendable {
        /// The base model file.
        public var model: String
        /// The training data file.
        public var data: String
        /// The adapter written.
        public var adapter: String
        /// LoRA rank, alpha and target projections.
        public var rank: Int, alpha: Double, targets: [String]
        /// `--epochs` (nil when `--steps` was given) and `--steps` (the run's steps).
        public var epochs: Int?, steps: Int
        /// Peak learning rate, warm-up steps, and the rate's floor as a share of the peak.
        public var learningRate: Double, warmupSteps: Int, finalLearningRateFraction: Double
        /// Tokens per sequence and per optimiser step.
        public var context: Int, batchTokens: Int
        /// The seed, the held-out share, the clipping norm.
        public var seed: UInt64, validationFraction: Double, clip: Double
        /// AdamW's constants.
        public var optimizer: AdamW.Configuration
        /// Conversations trained on and held out; sequences per epoch (first epoch).
        public var trainingConversations: Int, validationConversations: Int

        /// The configuration of a run of `plan` under `options` and `schedule`, training
        /// LoRA of `rank`, `alpha` on `targets` of `model` with `data` into `adapter`.
        public init(
            model: String, data: String, adapter: String, rank: Int, alpha: Double, targets: [String],
            options: TrainingOptions, plan: TrainingPlan, schedule: LearningRateSchedule
        ) {
            self.model = model
            self.data = data
            self.adapter = adapter
            self.rank = rank
            self.alpha = alpha
            self.targets = targets
            if case .epochs(let count) = options.length { epochs = count } else { epochs = nil }
            steps = plan.totalSteps
            learningRate = options.learningRate
            warmupSteps = schedule.warmupSteps
            finalLearningRateFraction = schedule.finalFraction
            context = options.context
            batchTokens = options.effectiveBatchTokens
            seed = options.seed
            validationFraction = options.validationFraction
            clip = options.clip
            optimizer = options.optimizer
            trainingConversations = plan.trainingConversations
            validationConversations = plan.validationConversations
        }

        enum CodingKeys: String, CodingKey {
            case model, data, adapter, rank, alpha, targets, epochs, steps, learningRate = "learning_rate"
            case warmupSteps = "warmup_steps", finalLearningRateFraction = "final_learning_rate_fraction", context
            case batchTokens = "batch_tokens", seed, validationFraction = "validation_fraction", clip, optimizer
            case trainingConversations = "training_conversations", validationConversations = "validation_conversations"
        }
    }

    /// The numbers at the end.
    public struct Final: Codable, Sendable {
        /// Steps done.
        public var steps: Int
        /// The loss of the first and of the last step.
        public var firstTrainLoss: Double?, lastTrainLoss: Double?
        /// The validation loss before training and at the end.
        public var firstValidationLoss: Double?, lastValidationLoss: Double?
        /// Tokens read and seconds spent in steps (over every session of a resumed run).
        public var tokens: Int, seconds: Double
        /// Their ratio.
        public var tokensPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case steps, firstTrainLoss = "first_train_loss", lastTrainLoss = "last_train_loss"
            case firstValidationLoss = "first_validation_loss", lastValidationLoss = "last_validation_loss", tokens, seconds
            case tokensPerSecond = "tokens_per_second"
        }
    }

    /// The configuration.
    public var configuration: Configuration
    /// Every step.
    public var steps: [StepRecord]
    /// Every validation loss.
    public var validations: [ValidationRecord]
    /// The final numbers.
    public var final: Final
    /// Name → version of what produced the log (`ponder`, the log's own format).
    public var versions: [String: String]

    /// The log of a run with `configuration` that measured `history`.
    public init(configuration: Configuration, history: TrainingHistory, versions: [String: String]) {
        self.configuration = configuration
        steps = history.steps
        validations = history.validations
        let tokens = history.steps.reduce(0) { $0 + $1.tokens }
        let seconds = history.steps.reduce(0) { $0 + $1.seconds }
        final = Final(
            steps: history.steps.count, firstTrainLoss: history.steps.first?.loss, lastTrainLoss: history.steps.last?.loss,
            firstValidationLoss: history.validations.first?.loss, lastValidationLoss: history.validations.last?.loss,
            tokens: tokens, seconds: seconds, tokensPerSecond: seconds > 0 ? Double(tokens) / seconds : 0)
        self.versions = versions.merging(["log_format": "1"]) { $1 }
    }

    /// The log as pretty-printed JSON with sorted keys.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }
}
