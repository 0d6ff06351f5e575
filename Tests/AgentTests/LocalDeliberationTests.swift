import AgentTools
import Foundation
import Inference
import InferenceAdapter
import Testing
@testable import Agent
@testable import DeliberationTasks

/// Deliberation on the real default model: branches share their prefix.
struct LocalDeliberationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func loadModel() throws -> LocalLanguageModel {
        let path = repository.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
        try #require(FileManager.default.fileExists(atPath: path), "the default model is missing: run tools/setup")
        return LocalLanguageModel(model: try Model(path: path), name: "smollm2", promptCache: nil)
    }

    static let prompts = PromptLibrary(directory: repository.appendingPathComponent("prompts").path)

    static func sampling(seed: UInt64) -> ThoughtSampling {
        ThoughtSampling(temperature: 0.8, seed: seed, deadline: .after(.seconds(60)))
    }

    @Test("expanding a node evaluates only the node's own tokens, not the prefix it shares")
    func forksShareThePrefix() async throws {
        let model = try Self.loadModel()
        let task = Game24Task(puzzle: Game24Puzzle(numbers: [4, 4, 6, 8]), prompts: Self.prompts, vocabulary: model.vocabulary)
        let root = try await model.makeSession()
        try await task.begin(in: root)
        let rootTokens = await root.usage.prompt
        #expect(rootTokens > 200, "the Game of 24 context is the system prompt, three examples and the puzzle")

        // Expanding the root: three thoughts, each in its own branch.
        var branches: [any LanguageModelSession] = []
        var thoughts: [Thought] = []
        for seed in 0..<3 {
            let branch = try await root.fork()
            guard let thought = try await task.writeThought(after: [], in: branch, sampling: Self.sampling(seed: UInt64(seed))) else { continue }
            branches.append(branch)
            thoughts.append(thought)
        }
        try #require(!thoughts.isEmpty)
        #expect(await root.usage.prompt == rootTokens, "writing thoughts in branches re-read the root")
        for branch in branches {
            #expect(await branch.usage.prompt == 0, "a branch re-read its parent's prefix")
        }

        // Expanding the first child: its branch reads its own new tokens (the move's
        // "=" and the tail " 12 (left: 4 6 12)") once; its children read nothing more.
        let child = branches[0]
        let grandchild = try await child.fork()
        let ownTokens = await child.usage.prompt
        let tail = String(thoughts[0].text.drop { $0 != "=" })
        let tailTokens = model.model.tokenizer.encode(tail, addSpecial: false).count
        #expect(ownTokens >= 1 && ownTokens <= tailTokens + 1, "expanding the node evaluated \(ownTokens) tokens; its own text has \(tailTokens)")
        _ = try await task.writeThought(after: [thoughts[0]], in: grandchild, sampling: Self.sampling(seed: 7))
        #expect(await grandchild.usage.prompt == 0)
        #expect(await child.usage.prompt == ownTokens)
    }

    @Test("a search on a real puzzle stops at its thought limit, grows each position once and reads each shared prefix once")
    func aShortSearch() async throws {
        let model = try Self.loadModel()
        let task = Game24Task(puzzle: Game24Puzzle(numbers: [1, 1, 4, 6]), prompts: Self.prompts, vocabulary: model.vocabulary)
        // Twelve thoughts: a count, not a time, so load cannot change it.
        let options = DeliberationOptions(budget: .seconds(600), value: .model, maximumThoughts: 12)
        let result = try await Deliberation(model: model, options: options).run(task)
        let thoughts = result.tree.nodes.count - 1
        #expect(result.solved ? thoughts <= 12 : thoughts == 12, "\(thoughts) thoughts")
        #expect(result.stoppedBy == nil)
        // Every thought is a listed move, and no position is grown twice.
        let keys = result.tree.nodes.dropFirst().filter { $0.answer == nil }.map { node in
            task.stateKey(after: result.tree.pathIDs(to: node.id).map { Thought(text: result.tree.nodes[$0].text) }) ?? ""
        }
        #expect(Set(keys).count == keys.count, "a position was grown twice: \(keys)")
        for node in result.tree.nodes.dropFirst() {
            let parent = result.tree.pathIDs(to: node.parent ?? 0).map { Thought(text: result.tree.nodes[$0].text) }
            let move = String(node.text.prefix { $0 != "=" }) + "="
            #expect(task.candidates(after: parent)?.contains(move) == true, "\(node.text) is not a listed move")
            // Judged states carry the value prompt's calibrated reading.
            if node.verified == true, node.answer == nil, node.text.contains("left: ") {
                #expect(node.value != nil)
            }
        }
        #expect(result.valueNote.hasPrefix("value prompt on"))
        // The Game of 24 context (~300 tokens) and the value prompt's examples (~400)
        // are read once; weighing a move reads its own few tokens.
        #expect(result.tokens.prompt < 1200 + 40 * thoughts, "\(result.tokens.prompt) prompt tokens for \(thoughts) thoughts")
        if result.solved {
            let last = try #require(result.path.last)
            let answer = try #require(result.tree.nodes[last].answer)
            #expect(Game24Checker.check(answer, puzzle: task.puzzle) == .solves)
        }
    }

    @Test("the model proposes moves by its own probabilities: the move it finds likeliest comes first more often than a uniform draw")
    func theModelSteersTheProposals() async throws {
        let model = try Self.loadModel()
        let task = Game24Task(puzzle: Game24Puzzle(numbers: [4, 4, 6, 8]), prompts: Self.prompts, vocabulary: model.vocabulary)
        let root = try await model.makeSession()
        try await task.begin(in: root)
        let moves = try #require(task.candidates(after: []))
        let scoring = ThoughtScoring()
        let weights = try #require(try await scoring.logProbabilities(of: moves, after: root, deadline: .after(.seconds(300))) { _ in })
        #expect(weights.count == moves.count && weights.allSatisfy { $0 < 0 && $0.isFinite })
        // The model's distribution over whole moves is not flat (else it steers nothing) ...
        let best = try #require(weights.indices.max { weights[$0] < weights[$1] })
        let total = weights.map { exp($0) }.reduce(0, +)
        let share = exp(weights[best]) / total
        #expect(share > 2.0 / Double(moves.count), "the likeliest move holds \(share) of the mass")
        // ... and the first proposal follows it: over 200 seeds, the likeliest move comes
        // first about `share` of the time, far above a uniform draw's 1/n.
        var firsts = 0
        for seed in 0..<200 {
            var queue = ProposalQueue(candidates: moves, logProbabilities: weights, seed: UInt64(seed), leftoverMass: 0)
            if queue.next() == moves[best] { firsts += 1 }
        }
        #expect(abs(Double(firsts) / 200 - share) < 0.1)
    }

    @Test("the budget is kept with a cold prompt cache: the search answers within 0.5 s of it, even when setting up takes longer")
    func theBudgetIsKeptWithAColdCache() async throws {
        let model = try Self.loadModel()
        for budget in [0.3, 1.0, 2.0] {
            // A fresh model per budget: nothing of the context is evaluated yet.
            let cold = LocalLanguageModel(model: model.model, name: "smollm2", promptCache: nil)
            let task = Game24Task(puzzle: Game24Puzzle(numbers: [6, 8, 12, 13]), prompts: Self.prompts, vocabulary: cold.vocabulary)
            let started = ContinuousClock.now
            let result = try await Deliberation(model: cold, options: DeliberationOptions(budget: .milliseconds(Int(budget * 1000)), value: .model))
                .run(task)
            let overrun = (ContinuousClock.now - started).inSeconds - budget
            #expect(overrun <= 0.5, "a \(budget) s budget ran \(overrun) s over")
            #expect(result.stoppedBy?.description.hasPrefix("the time budget") == true)
        }
    }
}
