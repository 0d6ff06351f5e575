import Testing
@testable import Inference

/// Many sequences in one forward pass: on the real model, a sequence decoded in a
/// batch gets the same logits and the same tokens as decoded alone (every row of a
/// product goes through the same kernel operations whatever the row count, and
/// attention is each sequence's own), sequences join and leave between steps, and
/// one sequence's failure leaves the others running.
struct BatchDecoderTests {
    static let model: Model? = try? Model(path: Fixtures.defaultModelPath)

    func prompt(_ model: Model, _ text: String) -> [TokenID] {
        model.tokenizer.encode(model.chatTemplate.render([ChatMessage(role: .user, content: text)]), addSpecial: false, parseSpecial: true)
    }

    static let questions = [
        "What is the capital of France?", "Write a haiku about rain.", "Name three prime numbers.",
        "Why is the sky blue?", "Say hello in Spanish.",
    ]

    /// Greedy tokens of `text` decoded alone.
    func alone(_ model: Model, _ text: String, options: GenerationOptions) throws -> GenerationResult {
        let session = try model.makeSession(contextLength: 256)
        try session.append(prompt(model, text))
        return try session.generate(options)
    }

    @Test("a forward pass over several sequences gives each the logits it gets alone, bit for bit")
    func batchedLogitsEqualSolo() throws {
        let model = try #require(Self.model)
        let prompts = Self.questions.prefix(3).map { prompt(model, $0) }
        let batched = try prompts.map { _ in try model.makeSession(contextLength: 256) }
        // Mixed lengths: whole prompts of different sizes in one pass, then one token each.
        let results = model.transformer.forward(zip(prompts, batched).map { .init(tokens: $0, cache: $1.cache) })
        for (prompt, result) in zip(prompts, results) {
            let solo = try model.makeSession(contextLength: 256)
            #expect(try result.get() == solo.append(prompt))
        }
        let next: [TokenID] = [42, 1000, 7]
        let step = model.transformer.forward(zip(next, batched).map { .init(tokens: [$0], cache: $1.cache) })
        for ((prompt, token), result) in zip(zip(prompts, next), step) {
            let solo = try model.makeSession(contextLength: 256)
            try solo.append(prompt)
            #expect(try result.get() == solo.append([token]))
        }
    }

    @Test("greedy generations decoded together equal the same generations decoded one at a time")
    func batchedGenerationEqualsSolo() throws {
        let model = try #require(Self.model)
        let options = GenerationOptions(maximumTokens: 24)
        let expected = try Self.questions.map { try alone(model, $0, options: options) }
        let decoder = BatchDecoder(model: model)
        var handles: [BatchDecoder.Handle] = []
        var streamed = [String](repeating: "", count: Self.questions.count)
        for (index, question) in Self.questions.enumerated() {
            let session = try model.makeSession(contextLength: 256)
            handles.append(decoder.add(session, prompt: prompt(model, question), options: options) { text in
                streamed[index] += text
                return true
            })
        }
        let results = decoder.run()
        for (index, handle) in handles.enumerated() {
            let result = try #require(try results[handle]?.get())
            #expect(result.tokens == expected[index].tokens, "sequence \(index)")
            #expect(result.text == expected[index].text)
            #expect(streamed[index] == result.text)
            #expect(result.stopReason == expected[index].stopReason)
        }
    }

    @Test("sibling branches forked from one prefix decode together, each with its own sampler and limits")
    func siblingsWithOwnOptions() throws {
        let model = try #require(Self.model)
        let parent = try model.makeSession(contextLength: 256)
        try parent.append(prompt(model, "Tell me a short story about a fox."))
        let seeds: [UInt64] = [1, 2, 3, 4]
        func options(_ index: Int) -> GenerationOptions {
            GenerationOptions(
                maximumTokens: 8 + 4 * index,
                sampling: SamplingParameters(temperature: 0.9, seed: seeds[index]), stopAtEndOfGeneration: false)
        }
        let expected = try seeds.indices.map { try parent.fork().generate(options($0)) }
        let decoder = BatchDecoder(model: model)
        let handles = seeds.indices.map { decoder.add(parent.fork(), options: options($0)) }
        let results = decoder.run()
        for (index, handle) in handles.enumerated() {
            let result = try #require(try results[handle]?.get())
            #expect(result.tokens.count == 8 + 4 * index)
            #expect(result.tokens == expected[index].tokens, "sibling \(index)")
        }
        #expect(Set(expected.map(\.tokens)).count > 1, "different seeds should write different branches")
    }

    @Test("sequences join while others generate, and a cancelled one leaves at the next step")
    func joinAndLeave() throws {
        let model = try #require(Self.model)
        let options = GenerationOptions(maximumTokens: 20, stopAtEndOfGeneration: false)
        let decoder = BatchDecoder(model: model)
        let early = decoder.add(try model.makeSession(contextLength: 256), prompt: prompt(model, Self.questions[0]), options: options)
        let doomed = decoder.add(try model.makeSession(contextLength: 256), prompt: prompt(model, Self.questions[1]), options: options)
        var results: [BatchDecoder.Handle: GenerationResult] = [:]
        for _ in 0..<5 { for done in decoder.step() { results[done.handle] = try done.result.get() } }
        #expect(decoder.count == 2)
        decoder.cancel(doomed)
        let late = decoder.add(try model.makeSession(contextLength: 256), prompt: prompt(model, Self.questions[2]), options: options)
        let ended = decoder.step()
        #expect(ended.map(\.handle) == [doomed])
        #expect(try ended.first?.result.get().stopReason == .cancelled)
        #expect(try (ended.first?.result.get().tokens.count ?? 0) < 20)
        while !decoder.isEmpty { for done in decoder.step() { results[done.handle] = try done.result.get() } }
        #expect(results[early]?.tokens == (try alone(model, Self.questions[0], options: options).tokens))
        #expect(results[late]?.tokens == (try alone(model, Self.questions[2], options: options).tokens))
    }

    @Test("a newcomer's long prompt is evaluated in chunks beside the others' tokens")
    func chunkedPrefill() throws {
        let model = try #require(Self.model)
        let options = GenerationOptions(maximumTokens: 6, stopAtEndOfGeneration: false)
        let decoder = BatchDecoder(model: model, maximumRowsPerStep: 16)
        let running = decoder.add(try model.makeSession(contextLength: 256), prompt: prompt(model, Self.questions[3]), options: options)
        let longText = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 6)
        let newcomerSession = try model.makeSession(contextLength: 256)
        let newcomer = decoder.add(newcomerSession, prompt: prompt(model, longText), options: options)
        let results = decoder.run()
        #expect(try results[running]?.get().tokens == alone(model, Self.questions[3], options: options).tokens)
        #expect(try results[newcomer]?.get().tokens == alone(model, longText, options: options).tokens)
        // Every prompt token once, and each of the six tokens chosen (the last too: the limit is checked before the next).
        #expect(newcomerSession.evaluatedTokenCount == prompt(model, longText).count + 6)
    }

    @Test("one sequence's failure is its own: a bad token fails that segment and the others run")
    func failureIsolated() throws {
        let model = try #require(Self.model)
        let good = try model.makeSession(contextLength: 64)
        let bad = try model.makeSession(contextLength: 64)
        let full = try model.makeSession(contextLength: 4)
        try full.append([1, 2, 3, 4])
        let results = model.transformer.forward([
            .init(tokens: [1, 2, 3], cache: good.cache),
            .init(tokens: [TokenID(model.config.vocabularySize)], cache: bad.cache),
            .init(tokens: [5], cache: full.cache),
            .init(tokens: [5], cache: good.cache),
        ])
        #expect(try results[0].get().count == model.config.vocabularySize)
        #expect(throws: InferenceError.self) { try results[1].get() }
        #expect(throws: InferenceError.contextFull(context: 4)) { try results[2].get() }
        #expect(throws: InferenceError.self) { try results[3].get() }  // the same cache twice
        #expect(good.cache.count == 3 && bad.cache.count == 0 && full.cache.count == 4)

        // In the decoder: a session of another model, a session without a prompt.
        let decoder = BatchDecoder(model: model)
        let orphan = decoder.add(try model.makeSession(contextLength: 16), options: GenerationOptions(maximumTokens: 4))
        let fine = decoder.add(try model.makeSession(contextLength: 64), prompt: [1, 2], options: GenerationOptions(maximumTokens: 4))
        let outcome = decoder.run()
        #expect(throws: InferenceError.self) { try outcome[orphan]?.get() }
        #expect(try outcome[fine]?.get().tokens.count ?? 0 > 0)
    }
}
