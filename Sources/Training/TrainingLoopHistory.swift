/// What one optimiser step did.
public struct StepRecord: Codable, Sendable, Equatable {
    /// The step's number, from 1.
    public let step: Int
    /// The epoch it belongs to, from 1.
    public let epoch: Int
    /// Mean cross-entropy over the step's targets, in nats.
    public let loss: Double
    /// The learning rate the update used.
    public let learningRate: Double
    /// The gradient's global L2 norm before clipping (of the mean loss).
    public let gradientNorm: Double
    /// Tokens read (every token of the step's sequences).
    public let tokens: Int
    /// Predictions the loss counted (the assistant tokens).
    public let targets: Int
    /// Wall-clock seconds the step took.
    public let seconds: Double

    /// Tokens read per second.
    public var tokensPerSecond: Double { seconds > 0 ? Double(tokens) / seconds : 0 }

    enum CodingKeys: String, CodingKey {
        case step, epoch, loss, learningRate = "learning_rate", gradientNorm = "gradient_norm", tokens, targets, seconds
        case tokensPerSecond = "tokens_per_second"
    }

    /// A record of step `step`.
    public init(
        step: Int, epoch: Int, loss: Double, learningRate: Double, gradientNorm: Double, tokens: Int, targets: Int,
        seconds: Double
    ) {
        self.step = step
        self.epoch = epoch
        self.loss = loss
        self.learningRate = learningRate
        self.gradientNorm = gradientNorm
        self.tokens = tokens
        self.targets = targets
        self.seconds = seconds
    }

    /// Reads a record (the tokens/s written beside it is derived, so it is not read).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        step = try container.decode(Int.self, forKey: .step)
        epoch = try container.decode(Int.self, forKey: .epoch)
        loss = try container.decode(Double.self, forKey: .loss)
        learningRate = try container.decode(Double.self, forKey: .learningRate)
        gradientNorm = try container.decode(Double.self, forKey: .gradientNorm)
        tokens = try container.decode(Int.self, forKey: .tokens)
        targets = try container.decode(Int.self, forKey: .targets)
        seconds = try container.decode(Double.self, forKey: .seconds)
    }

    /// Writes the record with its tokens/s.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(step, forKey: .step)
        try container.encode(epoch, forKey: .epoch)
        try container.encode(loss, forKey: .loss)
        try container.encode(learningRate, forKey: .learningRate)
        try container.encode(gradientNorm, forKey: .gradientNorm)
        try container.encode(tokens, forKey: .tokens)
        try container.encode(targets, forKey: .targets)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(tokensPerSecond, forKey: .tokensPerSecond)
    }
}

/// The held-out loss after a step.
public struct ValidationRecord: Codable, Sendable, Equatable {
    /// The step after which it was measured (0: before training).
    public let step: Int
    /// Mean cross-entropy over the held-out targets, in nats.
    public let loss: Double
    /// Predictions it counted.
    public let targets: Int

    /// The validation loss after `step`.
    public init(step: Int, loss: Double, targets: Int) {
        self.step = step
        self.loss = loss
        self.targets = targets
    }
}

/// Everything measured so far: kept in checkpoints, so a resumed run's log and loss
/// curve go back to step 1.
public struct TrainingHistory: Codable, Sendable, Equatable {
    /// One record per step done.
    public var steps: [StepRecord] = []
    /// The validation losses, in step order.
    public var validations: [ValidationRecord] = []

    /// An empty history.
    public init() {}
}
