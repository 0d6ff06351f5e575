import Foundation
import Testing
@testable import Training

/// The loop on a toy model: it learns, it is deterministic, it stops and resumes bit for
/// bit, it refuses a checkpoint of another run, and it stops on divergence.
struct TrainingLoopTests {
    @Test("the loss falls, validation is measured before, every few steps and at the end")
    func learns() throws {
        let model = BigramToyModel(vocabularySize: 6, seed: 1)
        let plan = TrainingPlan(conversations: ToyData.conversations(count: 20), options: ToyData.options(steps: 30))
        let loop = TrainingLoop(model: model, plan: plan, options: ToyData.options(steps: 30))
        var events: [TrainingEvent] = []
        let outcome = try loop.run(observe: { events.append($0) })
        #expect(outcome == .finished)
        #expect(events.first == .started(firstStep: 1, totalSteps: 30))
        let steps = loop.history.steps
        #expect(steps.map(\.step) == Array(1...30))
        #expect(steps.allSatisfy { $0.tokens == 32 && $0.targets == 16 })
        #expect(steps.last!.loss < steps.first!.loss * 0.5, "\(steps.first!.loss) → \(steps.last!.loss)")
        #expect(loop.history.validations.map(\.step) == [0, 4, 8, 12, 16, 20, 24, 28, 30])
        #expect(loop.history.validations.last!.loss < loop.history.validations.first!.loss * 0.5)
        #expect(steps.map(\.learningRate) == (0..<30).map(loop.schedule.rate(at:)))
        #expect(loop.optimizer.step == 30)
        // Every step's sequences were read, in the plan's order.
        #expect(model.trainedSequences == plan.steps.flatMap { $0.map(\.tokens) })
    }

    @Test("N steps straight equal k steps, a checkpoint, a fresh model resumed, and N − k steps: bit for bit")
    func resumeEquality() throws {
        let directory = try ToyData.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = ToyData.conversations(count: 20)
        let options = ToyData.options(steps: 13)
        let plan = TrainingPlan(conversations: data, options: options)

        let straightModel = BigramToyModel(vocabularySize: 6, seed: 1)
        let straight = TrainingLoop(model: straightModel, plan: plan, options: options, adapterPath: directory.appendingPathComponent("straight.gguf").path)
        #expect(try straight.run() == .finished)

        let adapter = directory.appendingPathComponent("resumed.gguf").path
        let first = TrainingLoop(model: BigramToyModel(vocabularySize: 6, seed: 1), plan: plan, options: options, adapterPath: adapter)
        var asked = 0
        var saved: [Int] = []
        let outcome = try first.run(shouldStop: { asked += 1; return asked == 5 }) {
            if case .checkpointSaved(let step) = $0 { saved.append(step) }
        }
        #expect(outcome == .interrupted(stepsDone: 5) && saved == [5])
        let files = try #require(first.checkpointFiles)
        #expect(files.exists && FileManager.default.fileExists(atPath: adapter), "a checkpoint writes the adapter too")

        // A model initialised differently: everything it trains with comes from the checkpoint.
        let resumedModel = BigramToyModel(vocabularySize: 6, seed: 99)
        let resumed = TrainingLoop(model: resumedModel, plan: plan, options: options, adapterPath: adapter)
        try resumed.resume(from: try files.read())
        var events: [TrainingEvent] = []
        #expect(try resumed.run(observe: { events.append($0) }) == .finished)
        #expect(events.first == .started(firstStep: 6, totalSteps: 13))

        #expect(resumedModel.table.values.map(\.bitPattern) == straightModel.table.values.map(\.bitPattern))
        #expect(resumedModel.bias.values.map(\.bitPattern) == straightModel.bias.values.map(\.bitPattern))
        #expect(resumed.optimizer == straight.optimizer)
        func numbers(_ history: TrainingHistory) -> [[Double]] {
            history.steps.map { [Double($0.step), $0.loss, $0.learningRate, $0.gradientNorm, Double($0.tokens)] }
        }
        #expect(numbers(resumed.history) == numbers(straight.history))
        #expect(resumed.history.validations == straight.history.validations)
        #expect(try Data(contentsOf: URL(fileURLWithPath: adapter)) == Data(contentsOf: directory.appendingPathComponent("straight.gguf")))
        #expect(!files.exists, "a finished run removes its checkpoint")
    }

    @Test("a checkpoint of other settings or data is refused, naming what differs")
    func differentRun() throws {
        let directory = try ToyData.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let adapter = directory.appendingPathComponent("a.gguf").path
        let data = ToyData.conversations(count: 20)
        let options = ToyData.options(steps: 6)
        let loop = TrainingLoop(
            model: BigramToyModel(vocabularySize: 6, seed: 1), plan: TrainingPlan(conversations: data, options: options), options: options,
            adapterPath: adapter, runSettings: ["--rank": "4"])
        #expect(try loop.run(shouldStop: { true }) == .interrupted(stepsDone: 1))
        let checkpoint = try CheckpointFiles(adapterPath: adapter).read()

        var faster = options
        faster.learningRate = 0.2
        let other = TrainingLoop(
            model: BigramToyModel(vocabularySize: 6, seed: 1), plan: TrainingPlan(conversations: data, options: faster), options: faster,
            adapterPath: adapter, runSettings: ["--rank": "8"])
        #expect(throws: CheckpointError.differentRun(["--lr was 0.1, now 0.2", "--rank was 4, now 8"])) {
            try other.resume(from: checkpoint)
        }
        let otherData = TrainingLoop(
            model: BigramToyModel(vocabularySize: 6, seed: 1),
            plan: TrainingPlan(conversations: ToyData.conversations(count: 21), options: options), options: options,
            adapterPath: adapter, runSettings: ["--rank": "4"])
        #expect(throws: CheckpointError.differentRun(["the training data or its packing differs"])) {
            try otherData.resume(from: checkpoint)
        }
        let message = CheckpointError.differentRun(["--lr was 0.1, now 0.2"]).description
        #expect(message.contains("without --resume"))
    }

    @Test("--save-every writes checkpoints on its steps; none after the end")
    func saveEvery() throws {
        let directory = try ToyData.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = ToyData.options(steps: 7)
        options.saveEvery = 3
        let adapter = directory.appendingPathComponent("a.gguf").path
        let loop = TrainingLoop(
            model: BigramToyModel(vocabularySize: 6, seed: 1), plan: TrainingPlan(conversations: ToyData.conversations(count: 20), options: options),
            options: options, adapterPath: adapter)
        var saved: [Int] = []
        _ = try loop.run(observe: { if case .checkpointSaved(let step) = $0 { saved.append(step) } })
        #expect(saved == [3, 6])
        #expect(FileManager.default.fileExists(atPath: adapter) && !CheckpointFiles(adapterPath: adapter).exists)
    }

    @Test("a NaN loss stops the run with advice")
    func diverges() throws {
        let model = BigramToyModel(vocabularySize: 6, seed: 1)
        model.poisoned = true
        let options = ToyData.options(steps: 3)
        let loop = TrainingLoop(model: model, plan: TrainingPlan(conversations: ToyData.conversations(count: 20), options: options), options: options)
        #expect {
            try loop.run()
        } throws: { error in
            guard let error = error as? TrainingLoopError, case .diverged(step: 1) = error else { return false }
            return error.description.contains("lower --lr")
        }
    }
}
