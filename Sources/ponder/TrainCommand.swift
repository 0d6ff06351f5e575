import ArgumentParser
import Dispatch
import Foundation
import Inference
import MCPBridge
import Synchronization
import Training

/// `ponder train`: fine-tunes the model with LoRA on a file of conversations and writes
/// the adapter, its loss curve and a JSON log.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fine-tune the model with LoRA on conversations; write a llama.cpp LoRA adapter.",
        discussion: """
            The data is JSONL: one conversation per line, in the OpenAI / Hugging Face chat \
            shape {"messages": [{"role": "user", "content": "…"}, {"role": "assistant", \
            "content": "…"}]} (roles: system, user, assistant, tool). The loss counts only \
            the assistant turns' tokens. Every bad line is reported with its number, and \
            nothing is trained until all are fixed.

            Training starts from the base model: the adapter Ponder ships for the \
            default model is not applied.

            Conversations are packed into sequences of --context tokens; gradients \
            accumulate over sequences until --batch-tokens tokens make one AdamW step. \
            The learning rate warms up linearly, then decays along a cosine to a tenth. \
            A share of the conversations (--validation) is held out for the validation loss.

            Beside ADAPTER.gguf it writes ADAPTER.loss.png (the loss curve) and \
            ADAPTER.log.json (settings, every step's numbers). Ctrl-C finishes the step, \
            saves a checkpoint (ADAPTER.checkpoint.json and .bin) and exits; the same \
            command with --resume continues exactly where it stopped.

            Example:
              ponder train --data facts.jsonl --out facts.gguf --steps 30 --lr 1e-3
              ponder generate --chat --lora facts.gguf --prompt "Where is the Spire?"
            """)

    @Option(help: ArgumentHelp("The training conversations, one JSON object per line.", valueName: "file.jsonl"))
    var data: String

    @Option(help: ArgumentHelp("Where to write the adapter (a GGUF file).", valueName: "adapter.gguf"))
    var out: String

    @Option(help: "LoRA rank r: the inner width of A and B.")
    var rank = 16

    @Option(help: "LoRA alpha: the update is scaled by alpha / rank.")
    var alpha: Double = 32

    @Option(help: ArgumentHelp(
        "The projections that get LoRA matrices, comma-separated.", valueName: "q,k,v,o,gate,up,down"))
    var targets = "q,k,v,o,gate,up,down"

    @Option(help: "Passes over the training conversations (default 1).")
    var epochs: Int?

    @Option(help: "Optimiser steps instead of epochs (the data repeats as needed).")
    var steps: Int?

    @Option(name: .customLong("lr"), help: "Peak learning rate.")
    var learningRate = 2e-4

    @Option(help: "Warm-up steps (default: 5% of the steps).")
    var warmup: Int?

    @Option(help: "Tokens per optimiser step; gradients accumulate over sequences until reached (default: --context).")
    var batchTokens: Int?

    @Option(help: "Tokens per packed sequence; a longer conversation is an error.")
    var context = 512

    @Option(help: "Seed of the validation split, the shuffling and the LoRA initialisation.")
    var seed: UInt64 = 0

    @Option(help: "Share of the conversations held out for the validation loss (0: none).")
    var validation = 0.05

    @Option(help: "Steps between validation losses (default: a tenth of the run; always at the end).")
    var evalEvery: Int?

    @Option(help: "Steps between checkpoints (default: only on Ctrl-C).")
    var saveEvery: Int?

    @Option(help: "Clip the gradient to this global L2 norm (0: no clipping).")
    var clip = 1.0

    @Option(help: "AdamW's decoupled weight decay.")
    var weightDecay = 0.0

    @Flag(help: "Continue from the checkpoint beside --out (same data and settings).")
    var resume = false

    @Option(name: [.customShort("t"), .long], help: "Worker threads (default: processor count).")
    var threads: Int?

    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard modelOptions.lora.isEmpty else {
            throw ValidationError("train starts from the base model and takes no --lora; to train on top of an adapter, merge it first with ponder export")
        }
        guard rank > 0 else { throw ValidationError("--rank must be positive (e.g. 8 or 16), not \(rank)") }
        guard alpha > 0, alpha.isFinite else { throw ValidationError("--alpha must be positive") }
        _ = try loraTargets()
        guard epochs == nil || steps == nil else { throw ValidationError("give --epochs or --steps, not both") }
        if let epochs, epochs <= 0 { throw ValidationError("--epochs must be positive") }
        if let steps, steps <= 0 { throw ValidationError("--steps must be positive") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--lr must be positive") }
        if let warmup, warmup < 0 { throw ValidationError("--warmup must be 0 or more") }
        guard context >= 2 else { throw ValidationError("--context must be at least 2 tokens") }
        if let batchTokens, batchTokens <= 0 { throw ValidationError("--batch-tokens must be positive") }
        guard validation >= 0, validation < 1 else { throw ValidationError("--validation must be from 0 up to (not including) 1") }
        if let evalEvery, evalEvery <= 0 { throw ValidationError("--eval-every must be positive") }
        if let saveEvery, saveEvery <= 0 { throw ValidationError("--save-every must be positive") }
        guard clip >= 0 else { throw ValidationError("--clip must be 0 (off) or positive") }
        guard weightDecay >= 0 else { throw ValidationError("--weight-decay must be 0 or more") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive") }
    }

    /// The projections `--targets` names.
    func loraTargets() throws -> Set<LoRATarget> {
        var chosen = Set<LoRATarget>()
        for name in targets.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard let target = LoRATarget(rawValue: trimmed) else {
                throw ValidationError(
                    "--targets: unknown projection '\(trimmed)'; choose from "
                        + LoRATarget.allCases.map(\.rawValue).joined(separator: ","))
            }
            chosen.insert(target)
        }
        return chosen
    }

    /// The settings as the loop takes them.
    var options: TrainingOptions {
        var options = TrainingOptions()
        options.length = steps.map { .steps($0) } ?? .epochs(epochs ?? 1)
        options.learningRate = learningRate
        options.warmupSteps = warmup
        options.context = context
        options.batchTokens = batchTokens
        options.seed = seed
        options.validationFraction = validation
        options.evaluateEvery = evalEvery
        options.saveEvery = saveEvery
        options.clip = clip
        options.optimizer.weightDecay = weightDecay
        return options
    }

    func run() throws {
        try reportingErrors {
            try checkOutputDirectory()
            // The data first: a bad file is reported before the model loads.
            let conversations = try TrainingData.load(path: data)
            let loaded = try modelOptions.load(threads: threads, shippedAdapter: false)
            guard context <= loaded.model.config.contextLength else {
                throw CLIError.invalidInput("--context \(context) is longer than the model's context of \(loaded.model.config.contextLength) tokens")
            }
            let encoded = try TrainingDataEncoder(model: loaded.model).encode(conversations, context: context, path: data)
            let options = options
            let plan = TrainingPlan(conversations: encoded, options: options)
            let lora = LoRAConfiguration(rank: rank, alpha: Float(alpha), targets: try loraTargets())
            let model = try LoRATrainingModel(model: loaded.model, configuration: lora, seed: seed)
            let loop = TrainingLoop(
                model: model, plan: plan, options: options, adapterPath: out,
                runSettings: [
                    "model": loaded.name, "--rank": "\(rank)", "--alpha": "\(alpha)",
                    "--targets": LoRATarget.allCases.filter(lora.targets.contains).map(\.rawValue).joined(separator: ","),
                ])
            try prepareCheckpoint(loop)
            printError(
                "training \(plan.trainingConversations) conversations (\(plan.validationConversations) held out) "
                    + "for \(plan.totalSteps) steps; \(model.parameters.reduce(0) { $0 + $1.values.count }) trainable parameters")
            let outcome = try train(loop)
            try writeReport(loop: loop, loaded: loaded, plan: plan, lora: lora)
            switch outcome {
            case .finished:
                print("adapter: \(out)")
                print("loss curve: \(lossCurvePath)")
                print("log: \(logPath)")
            case .interrupted(let done):
                printError(
                    "interrupted after step \(done) of \(plan.totalSteps); the checkpoint is saved beside \(out). "
                        + "Run the same command with --resume to continue.")
                throw ExitCode(130)
            }
        }
    }

    var lossCurvePath: String { TrainingOutputPaths.sibling(of: out, suffix: ".loss.png") }
    var logPath: String { TrainingOutputPaths.sibling(of: out, suffix: ".log.json") }

    /// The adapter's directory must exist before hours of training are spent.
    func checkOutputDirectory() throws {
        let directory = URL(fileURLWithPath: out).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError.invalidInput("the directory of --out \(out) does not exist; create it first")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw CLIError.invalidInput("the directory of --out \(out) is not writable")
        }
    }

    /// With --resume, restores the checkpoint; without, warns that an old one will be replaced.
    func prepareCheckpoint(_ loop: TrainingLoop) throws {
        guard let files = loop.checkpointFiles else { return }
        if resume {
            try loop.resume(from: try files.read())
        } else if files.exists {
            printError("note: \(files.descriptionPath) holds an earlier run's checkpoint; this run replaces it (--resume continues it instead)")
        }
    }

    /// Runs the loop with the progress display; the first Ctrl-C stops it after the step
    /// in progress (saving a checkpoint), a second one quits at once.
    func train(_ loop: TrainingLoop) throws -> TrainingOutcome {
        let stop = TrainingInterrupt()
        var progress = TrainingProgress(totalSteps: loop.plan.totalSteps, redraws: isatty(STDERR_FILENO) != 0)
        let clock = ContinuousClock()
        let start = clock.now
        defer { stop.cancel() }
        return try loop.run(shouldStop: { stop.requested }) { event in
            if let text = progress.text(for: event, elapsed: (clock.now - start).inSeconds) {
                FileHandleOutput.writeToStandardError(text)
            }
        }
    }

    /// The loss curve and the JSON log beside the adapter.
    func writeReport(loop: TrainingLoop, loaded: LoadedModel, plan: TrainingPlan, lora: LoRAConfiguration) throws {
        let configuration = TrainingLog.Configuration(
            model: loaded.path, data: data, adapter: out, rank: rank, alpha: alpha,
            targets: LoRATarget.allCases.filter(lora.targets.contains).map(\.rawValue), options: options, plan: plan,
            schedule: loop.schedule)
        let log = TrainingLog(configuration: configuration, history: loop.history, versions: ["ponder": MCPBridgeInfo.version])
        do {
            try log.encoded().write(to: URL(fileURLWithPath: logPath), options: .atomic)
            try LossCurve.png(loop.history).write(to: URL(fileURLWithPath: lossCurvePath), options: .atomic)
        } catch {
            throw CLIError.invalidInput("cannot write the training report beside \(out): \(error.localizedDescription)")
        }
    }
}

/// Ctrl-C during training: the first asks the loop to stop after its step, a second quits.
final class TrainingInterrupt: @unchecked Sendable {
    private let count = Atomic<Int>(0)
    /// Set up once in `init`; Dispatch delivers its events on its own queue.
    private let source: DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.interrupted() }
        source.resume()
    }

    private func interrupted() {
        if count.add(1, ordering: .sequentiallyConsistent).newValue == 1 {
            FileHandleOutput.writeToStandardError("\nstopping after this step to save a checkpoint (Ctrl-C again to quit now)\n")
        } else {
            FileHandleOutput.writeToStandardError("\n")
            exit(130)
        }
    }

    /// Whether Ctrl-C was pressed.
    var requested: Bool { count.load(ordering: .sequentiallyConsistent) > 0 }

    /// Stops listening; Ctrl-C ends the program again.
    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
