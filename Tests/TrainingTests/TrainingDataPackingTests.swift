import Inference
import Testing
@testable import Training

/// Packing conversations into sequences, steps of `batchTokens`, the validation split
/// and the plan of a whole run.
struct TrainingDataPackingTests {
    /// A conversation of `count` tokens (all equal to `line`) whose last half is the target.
    static func conversation(line: Int, count: Int) -> EncodedConversation {
        EncodedConversation(
            line: line, tokens: [TokenID](repeating: TokenID(line), count: count),
            lossMask: (0..<count).map { $0 >= count / 2 })
    }

    @Test("next-fit packing never splits a conversation and keeps masks aligned")
    func packing() {
        let items = [Self.conversation(line: 1, count: 6), Self.conversation(line: 2, count: 3), Self.conversation(line: 3, count: 2), Self.conversation(line: 4, count: 10)]
        let sequences = TrainingDataPacking.pack(items, context: 10)
        #expect(sequences.map(\.lines) == [[1, 2], [3], [4]])
        #expect(sequences.map(\.tokens.count) == [9, 2, 10])
        #expect(sequences[0].tokens == [1, 1, 1, 1, 1, 1, 2, 2, 2])
        #expect(sequences[0].lossMask == [false, false, false, true, true, true, false, true, true])
        #expect(sequences.allSatisfy { $0.tokens.count == $0.lossMask.count && $0.tokens.count <= 10 })
    }

    @Test("steps take sequences until batchTokens is reached; the last may hold fewer")
    func batches() {
        let sequences = TrainingDataPacking.pack((1...5).map { Self.conversation(line: $0, count: 4) }, context: 4)
        let batches = TrainingDataPacking.batches(sequences, batchTokens: 7)
        #expect(batches.map { $0.flatMap(\.lines) } == [[1, 2], [3, 4], [5]])
        #expect(TrainingDataPacking.batches(sequences, batchTokens: 1).count == 5)
    }

    @Test("the model's mask is the target mask moved one position earlier")
    func predictionMask() {
        let sequence = PackedSequence(tokens: [1, 2, 3, 4], lossMask: [false, false, true, true], lines: [1])
        #expect(sequence.predictionMask == [false, true, true, false])
    }

    @Test("the validation split: rounded share, at least one of two or more, never all, seeded")
    func split() {
        let items = Array(1...40)
        let (training, validation) = TrainingDataPacking.split(items, validationFraction: 0.05, seed: 7)
        #expect(validation.count == 2 && training.count == 38)
        #expect(Set(training).union(validation) == Set(items) && Set(training).isDisjoint(with: validation))
        #expect(training == training.sorted() && validation == validation.sorted(), "the file's order is kept")
        #expect(TrainingDataPacking.split(items, validationFraction: 0.05, seed: 7).validation == validation)
        #expect(TrainingDataPacking.split(items, validationFraction: 0.05, seed: 8).validation != validation)
        #expect(TrainingDataPacking.split([1, 2], validationFraction: 0.05, seed: 0).validation.count == 1)
        #expect(TrainingDataPacking.split([1], validationFraction: 0.5, seed: 0).validation.isEmpty)
        #expect(TrainingDataPacking.split([1, 2, 3], validationFraction: 0.99, seed: 0).training.count == 1)
        #expect(TrainingDataPacking.split(items, validationFraction: 0, seed: 0).validation.isEmpty)
    }

    @Test("a plan: epochs reshuffled by seed, --steps repeats the data, same settings give the same plan")
    func plan() {
        let items = (1...12).map { Self.conversation(line: $0, count: 5) }
        var options = TrainingOptions()
        options.context = 10
        options.batchTokens = 20
        options.validationFraction = 0.2
        options.length = .epochs(3)
        options.seed = 3
        let plan = TrainingPlan(conversations: items, options: options)
        #expect(plan.validationConversations == 2 && plan.trainingConversations == 10)
        // Ten conversations of 5 tokens: 5 sequences of 10, steps of two sequences (the last one).
        #expect(plan.totalSteps == 9 && plan.epochOfStep == [0, 0, 0, 1, 1, 1, 2, 2, 2])
        func lines(epoch: Int) -> [Int] { zip(plan.steps, plan.epochOfStep).filter { $0.1 == epoch }.flatMap { $0.0.flatMap { $0.lines } } }
        #expect(Set(lines(epoch: 0)) == Set(lines(epoch: 1)) && lines(epoch: 0).count == 10)
        #expect(lines(epoch: 0) != lines(epoch: 1), "each epoch has its own order")
        #expect(TrainingPlan(conversations: items, options: options) == plan)
        #expect(TrainingPlan(conversations: items, options: options).fingerprint == plan.fingerprint)
        options.length = .steps(7)
        let stepped = TrainingPlan(conversations: items, options: options)
        #expect(stepped.totalSteps == 7 && stepped.steps == Array(plan.steps.prefix(7)))
        options.seed = 4
        #expect(TrainingPlan(conversations: items, options: options).fingerprint != stepped.fingerprint)
    }
}
