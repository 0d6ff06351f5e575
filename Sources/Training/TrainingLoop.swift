import Foundation

/// What a run reports as it goes.
public enum TrainingEvent: Sendable, Equatable {
    /// The run starts (or resumes) at `firstStep` (1-based) of `totalSteps`.
    case started(firstStep: Int, totalSteps: Int)
    /// A step is done.
    case step(StepRecord)
    /// A validation loss was measured.
    case validation(ValidationRecord)
    /// A checkpoint was written after `step` steps.
    case checkpointSaved(step: Int)
}

/// How a run ended.
public enum TrainingOutcome: Sendable, Equatable {
    /// Every planned step is done.
    case finished
    /// Stopped when asked, after `stepsDone` steps; the checkpoint (if any) holds them.
    case interrupted(stepsDone: Int)
}

/// Why a run stopped early.
public enum TrainingLoopError: Error, Sendable, CustomStringConvertible {
    /// The model's passes failed.
    case model(TrainingError)
    /// A checkpoint could not be written.
    case checkpoint(CheckpointError)
    /// The adapter could not be written.
    case adapter(path: String, reason: String)
    /// The loss or the gradient stopped being a number at `step`.
    case diverged(step: Int)

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case .model(let error): return "\(error)"
        case .checkpoint(let error): return "\(error)"
        case .adapter(let path, let reason): return "cannot write the adapter \(path): \(reason)"
        case .diverged(let step):
            return "training diverged at step \(step) (the loss or its gradient is not a finite number); lower --lr or --clip"
        }
    }
}

/// The training loop: for each planned step, gradients accumulated over the step's
/// sequences, averaged over their targets, clipped by global norm, and an AdamW update
/// at the scheduled learning rate; the validation loss every few steps and at the end;
/// checkpoints every `saveEvery` steps and when stopped.
///
/// Deterministic: the plan fixes every step's data, the model's seed its start, and a
/// checkpoint holds the rest, so a run resumed at step k ends bit for bit where the
/// uninterrupted run ends. Runs on the calling thread (blocking, CPU-bound work).
public final class TrainingLoop {
    /// The model being trained.
    public let model: any TrainableModel
    /// Every step's data.
    public let plan: TrainingPlan
    /// The settings.
    public let options: TrainingOptions
    /// The learning rate per step.
    public let schedule: LearningRateSchedule
    /// Where the adapter goes (nil: nothing is written), its checkpoint beside it.
    public let adapterPath: String?
    /// Settings of the run beyond `options` that change its numbers (the model file,
    /// LoRA rank, alpha, targets), by name; a checkpoint of other settings is refused.
    public let runSettings: [String: String]
    /// AdamW's state.
    public private(set) var optimizer: AdamW
    /// What was measured so far.
    public private(set) var history = TrainingHistory()
    /// Steps done.
    public private(set) var stepsDone = 0

    /// A loop over `plan` for `model`, from step 0.
    public init(
        model: any TrainableModel, plan: TrainingPlan, options: TrainingOptions, adapterPath: String? = nil,
        runSettings: [String: String] = [:]
    ) {
        self.model = model
        self.plan = plan
        self.options = options
        self.adapterPath = adapterPath
        self.runSettings = runSettings
        schedule = LearningRateSchedule(peak: options.learningRate, totalSteps: plan.totalSteps, warmupSteps: options.warmupSteps)
        optimizer = AdamW(configuration: options.optimizer, sizes: model.parameters.map(\.values.count))
    }

    /// The checkpoint files beside the adapter (nil without an adapter path).
    public var checkpointFiles: CheckpointFiles? { adapterPath.map(CheckpointFiles.init(adapterPath:)) }

    /// Everything a resumed run needs, as of now.
    public func checkpoint() -> TrainingCheckpoint {
        let parameters = model.parameters
        return TrainingCheckpoint(
            stepsDone: stepsDone, tensorNames: parameters.map(\.name), values: parameters.map(\.values), optimizer: optimizer,
            history: history, planFingerprint: plan.fingerprint, settings: settings)
    }

    /// Continues from `checkpoint`: its values, moments, step and history replace the
    /// loop's, after checking that it was made by this run (same data, settings, tensors).
    public func resume(from checkpoint: TrainingCheckpoint) throws(CheckpointError) {
        var differences: [String] = []
        if checkpoint.planFingerprint != plan.fingerprint {
            differences.append("the training data or its packing differs")
        }
        for key in Set(settings.keys).union(checkpoint.settings.keys).sorted() where settings[key] != checkpoint.settings[key] {
            differences.append("\(key) was \(checkpoint.settings[key] ?? "not set"), now \(settings[key] ?? "not set")")
        }
        let parameters = model.parameters
        if checkpoint.tensorNames != parameters.map(\.name) || checkpoint.values.map(\.count) != parameters.map(\.values.count) {
            differences.append("the trainable tensors differ")
        }
        if checkpoint.stepsDone > plan.totalSteps {
            differences.append("it has \(checkpoint.stepsDone) steps done of a \(plan.totalSteps)-step run")
        }
        guard differences.isEmpty else { throw .differentRun(differences) }
        for (tensor, values) in zip(parameters, checkpoint.values) { tensor.values = values }
        optimizer = checkpoint.optimizer
        history = checkpoint.history
        stepsDone = checkpoint.stepsDone
    }

    /// Trains until the plan is done or `shouldStop()` (asked after every step) says stop.
    /// When stopped, the checkpoint is written; when done, the adapter is written and the
    /// checkpoint removed.
    public func run(
        shouldStop: () -> Bool = { false }, observe: (TrainingEvent) -> Void = { _ in }
    ) throws(TrainingLoopError) -> TrainingOutcome {
        observe(.started(firstStep: stepsDone + 1, totalSteps: plan.totalSteps))
        let interval = options.evaluationInterval(totalSteps: plan.totalSteps)
        if stepsDone == 0, let record = try validationLoss() {
            history.validations.append(record)
            observe(.validation(record))
        }
        while stepsDone < plan.totalSteps {
            let record = try step()
            history.steps.append(record)
            observe(.step(record))
            if stepsDone % interval == 0 || stepsDone == plan.totalSteps, let validation = try validationLoss() {
                history.validations.append(validation)
                observe(.validation(validation))
            }
            if stepsDone < plan.totalSteps {
                if shouldStop() {
                    try saveCheckpoint(observe)
                    return .interrupted(stepsDone: stepsDone)
                }
                if let every = options.saveEvery, every > 0, stepsDone % every == 0 { try saveCheckpoint(observe) }
            }
        }
        try writeAdapter()
        checkpointFiles?.remove()
        return .finished
    }

    /// One optimiser step: gradients over the step's sequences, mean over targets,
    /// clipping, AdamW.
    func step() throws(TrainingLoopError) -> StepRecord {
        let clock = ContinuousClock()
        let start = clock.now
        let index = stepsDone
        model.zeroGradients()
        var lossSum = 0.0, targets = 0, tokens = 0
        for sequence in plan.steps[index] {
            let result: (lossSum: Double, count: Int)
            do { result = try model.accumulateGradients(tokens: sequence.tokens, lossMask: sequence.predictionMask) } catch {
                throw .model(error)
            }
            lossSum += result.lossSum
            targets += result.count
            tokens += sequence.tokens.count
        }
        let parameters = model.parameters
        // The passes add gradients of the summed loss: scale to the mean over targets.
        let meanScale: Float = targets > 0 ? 1 / Float(targets) : 0
        let norm = GradientClipping.globalNorm(parameters.map(\.gradients), scale: meanScale)
        guard lossSum.isFinite, norm.isFinite else { throw .diverged(step: index + 1) }
        let scale = meanScale * GradientClipping.factor(norm: norm, maximum: options.clip)
        let rate = schedule.rate(at: index)
        optimizer.beginStep()
        for (tensorIndex, tensor) in parameters.enumerated() {
            tensor.values.withUnsafeMutableBufferPointer { values in
                tensor.gradients.withUnsafeBufferPointer { gradients in
                    optimizer.update(tensor: tensorIndex, values: values, gradients: gradients, learningRate: rate, gradientScale: scale)
                }
            }
        }
        stepsDone += 1
        return StepRecord(
            step: stepsDone, epoch: plan.epochOfStep[index] + 1, loss: targets > 0 ? lossSum / Double(targets) : 0,
            learningRate: rate, gradientNorm: norm, tokens: tokens, targets: targets, seconds: (clock.now - start).seconds)
    }

    /// The mean loss over the held-out sequences now (nil when nothing is held out).
    public func validationLoss() throws(TrainingLoopError) -> ValidationRecord? {
        guard !plan.validation.isEmpty else { return nil }
        var lossSum = 0.0, targets = 0
        for sequence in plan.validation {
            let result: (lossSum: Double, count: Int)
            do { result = try model.loss(tokens: sequence.tokens, lossMask: sequence.predictionMask) } catch { throw .model(error) }
            lossSum += result.lossSum
            targets += result.count
        }
        return ValidationRecord(step: stepsDone, loss: targets > 0 ? lossSum / Double(targets) : 0, targets: targets)
    }

    /// Writes the adapter and the checkpoint (nothing without an adapter path).
    public func saveCheckpoint(_ observe: (TrainingEvent) -> Void = { _ in }) throws(TrainingLoopError) {
        guard let files = checkpointFiles else { return }
        try writeAdapter()
        do { try files.write(checkpoint()) } catch { throw .checkpoint(error) }
        observe(.checkpointSaved(step: stepsDone))
    }

    /// Writes the adapter to a temporary file beside `adapterPath`, then renames it.
    func writeAdapter() throws(TrainingLoopError) {
        guard let adapterPath else { return }
        let temporary = adapterPath + ".partial"
        do {
            try model.writeAdapter(to: temporary)
            // rename(2) replaces the old adapter in one step: a reader sees one or the other.
            guard rename(temporary, adapterPath) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw .adapter(path: adapterPath, reason: "\(error)")
        }
    }

    /// The settings a checkpoint records and a resume compares.
    var settings: [String: String] { options.resultDefiningSettings.merging(runSettings) { $1 } }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
