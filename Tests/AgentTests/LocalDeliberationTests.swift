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

    @Test("a search on a real puzzle reads each shared prefix once")
    func aShortSearch() async throws {
        let model = try Self.loadModel()
        let task = Game24Task(puzzle: Game24Puzzle(numbers: [1, 1, 4, 6]), prompts: Self.prompts, vocabulary: model.vocabulary)
        // Twelve thoughts (or a solution before): a count, not a time, so load cannot change it.
        let deadline = Deadline.unlimited()
        let result = try await Deliberation(model: model, options: DeliberationOptions(budget: .seconds(600))).run(task, deadline: deadline) {
            if $0.thoughts >= 12 { deadline.stop() }
        }
        let thoughts = result.tree.nodes.count - 1
        #expect(thoughts >= 12 || result.solved)
        // The Game of 24 context (~250 tokens) and the value prompt's examples (~400)
        // are read once; without shared prefixes each thought would read them again.
        #expect(result.tokens.prompt < 1000 + 40 * thoughts, "\(result.tokens.prompt) prompt tokens for \(thoughts) thoughts")
        if result.solved {
            let last = try #require(result.path.last)
            let answer = try #require(result.tree.nodes[last].answer)
            #expect(Game24Checker.check(answer, puzzle: task.puzzle) == .solves)
        }
    }
}
