import Testing
@testable import Inference

/// Prefix reuse, forking and truncation: the cost (tokens evaluated) and that the
/// results equal a fresh evaluation.
struct SessionTests {
    static let model: Model? = try? Model(path: Fixtures.defaultModelPath)

    func prompt(_ model: Model, _ text: String) -> [TokenID] {
        model.tokenizer.encode(model.chatTemplate.render([ChatMessage(role: .user, content: text)]), addSpecial: false, parseSpecial: true)
    }

    @Test("forking at position P and generating 16 tokens evaluates 16 tokens, not P + 16")
    func forkCost() throws {
        let model = try #require(Self.model)
        let parent = try model.makeSession(contextLength: 512)
        let tokens = prompt(model, "Tell me about the history of the printing press and its effect on Europe.")
        try parent.append(tokens)
        #expect(parent.evaluatedTokenCount == tokens.count)

        let branch = parent.fork()
        #expect(branch.evaluatedTokenCount == 0)
        let result = try branch.generate(GenerationOptions(maximumTokens: 16, stopAtEndOfGeneration: false))
        #expect(result.tokens.count == 16)
        // Each generated token is evaluated (so the branch can go on), the prefix never.
        #expect(branch.evaluatedTokenCount == 16)
        #expect(parent.tokens == tokens)

        // The branch equals a fresh session that evaluated everything.
        let fresh = try model.makeSession(contextLength: 512)
        try fresh.append(tokens)
        let expected = try fresh.generate(GenerationOptions(maximumTokens: 16, stopAtEndOfGeneration: false))
        #expect(result.tokens == expected.tokens)
    }

    @Test("two branches from one prefix diverge without disturbing each other or the parent")
    func independentBranches() throws {
        let model = try #require(Self.model)
        let parent = try model.makeSession(contextLength: 256)
        let tokens = prompt(model, "Name a colour.")
        let parentLogits = try parent.append(tokens)
        let first = parent.fork(), second = parent.fork()
        let a = try first.append(model.tokenizer.encode(" Red", addSpecial: false))
        let b = try second.append(model.tokenizer.encode(" The sky", addSpecial: false))
        #expect(a != b)
        // The parent is untouched: continuing it equals continuing a fresh session.
        let continued = try parent.append(model.tokenizer.encode(" Red", addSpecial: false))
        #expect(continued == a)
        #expect(parent.lastLogits != parentLogits)
        #expect(first.cache.pages.first === second.cache.pages.first)  // the untouched full page is still shared
    }

    @Test("setTokens reuses the longest shared prefix")
    func prefixReuse() throws {
        let model = try #require(Self.model)
        let session = try model.makeSession(contextLength: 512)
        let first = prompt(model, "What is 24 × 78?")
        try session.setTokens(first)
        #expect(session.evaluatedTokenCount == first.count)
        // Same prompt again: nothing to evaluate.
        try session.setTokens(first)
        #expect(session.evaluatedTokenCount == first.count)
        // A second turn extends the first: only the new tokens.
        let reply = model.tokenizer.encode("1872<|im_end|>\n<|im_start|>user\nAnd 25 × 78?<|im_end|>\n", addSpecial: false, parseSpecial: true)
        let logits = try session.setTokens(first + reply)
        #expect(session.evaluatedTokenCount == first.count + reply.count)
        // Equal to evaluating from scratch.
        let fresh = try model.makeSession(contextLength: 512)
        #expect(try fresh.append(first + reply) == logits)
        // A diverging prompt re-evaluates from the divergence on.
        let other = prompt(model, "What is 24 + 78?")
        let common = zip(first, other).prefix { $0 == $1 }.count
        let before = session.evaluatedTokenCount
        try session.setTokens(other)
        #expect(session.evaluatedTokenCount == before + other.count - common)
    }

    @Test("truncating backtracks: continuing after truncation equals a fresh run")
    func truncation() throws {
        let model = try #require(Self.model)
        let session = try model.makeSession(contextLength: 256)
        let tokens = prompt(model, "Count to five.")
        try session.append(tokens)
        _ = try session.generate(GenerationOptions(maximumTokens: 40, stopAtEndOfGeneration: false))
        session.truncate(to: tokens.count - 3)
        #expect(session.cache.count == tokens.count - 3)
        let again = try session.append(Array(tokens.suffix(3)))
        let fresh = try model.makeSession(contextLength: 256)
        #expect(try fresh.append(tokens) == again)
    }

    @Test("prompt too long and context full are errors, not crashes")
    func limits() throws {
        let model = try #require(Self.model)
        let session = try model.makeSession(contextLength: 8)
        #expect(throws: InferenceError.promptTooLong(tokens: 9, context: 8)) {
            try session.append(Array(repeating: 42, count: 9))
        }
        try session.append(Array(repeating: 42, count: 8))
        #expect(throws: InferenceError.contextFull(context: 8)) { try session.append([42]) }
        let result = try session.generate(GenerationOptions(maximumTokens: 5))
        #expect(result.stopReason == .contextFull)
        #expect(throws: InferenceError.self) { try model.makeSession(contextLength: 1 << 40) }
        #expect(throws: InferenceError.self) { try session.append([-1]) }
    }
}
