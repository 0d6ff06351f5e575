import Foundation
import Synchronization
import Inference
import InferenceAdapter
import Testing
@testable import Agent

/// `LanguageModel.generateTogether` on the real default model: sessions continued in
/// one batch write what they write one at a time, with the same token counts, and a
/// constraint, stop strings and seeds stay each session's own.
struct GenerateTogetherTests {
    static func loadModel() throws -> LocalLanguageModel {
        try LocalDeliberationTests.loadModel()
    }

    static let questions = ["What is 7 times 8?", "Name a large animal.", "Say something about winter."]

    func sessions(_ model: LocalLanguageModel, sharing prefix: Bool) async throws -> [any LanguageModelSession] {
        if prefix {
            let root = try await model.makeSession()
            try await root.start([Message(.user, "Tell me a fact about the moon.")], assistantPrefix: "Fact:", stablePrefix: 0)
            var forks: [any LanguageModelSession] = []
            for _ in 0..<3 { forks.append(try await root.fork()) }
            return forks
        }
        var made: [any LanguageModelSession] = []
        for question in Self.questions {
            let session = try await model.makeSession()
            try await session.start([Message(.user, question)], assistantPrefix: "", stablePrefix: 0)
            made.append(session)
        }
        return made
    }

    func requests(_ model: LocalLanguageModel) throws -> [GenerationRequest] {
        let choices = [" yes", " no", " maybe"]
        let candidates = ChoiceCandidates(vocabulary: try #require(model.vocabulary), alphabet: Set(choices.joined()))
        return [
            GenerationRequest(maximumTokens: 16),
            GenerationRequest(maximumTokens: 12, temperature: 0.9, seed: 7, stopStrings: ["."]),
            GenerationRequest(maximumTokens: 8, constraint: ChoiceConstraint(choices: choices, candidates: candidates)),
        ]
    }

    @Test("unrelated sessions and forks of one prefix generate together what they generate alone")
    func togetherEqualsAlone() async throws {
        let model = try Self.loadModel()
        for sharing in [false, true] {
            var expected: [GenerationOutcome] = []
            var expectedUsage: [TokenUsage] = []
            for (session, request) in zip(try await sessions(model, sharing: sharing), try requests(model)) {
                expected.append(try await session.generate(request) { _ in true })
                expectedUsage.append(await session.usage)
            }
            let batch = try await sessions(model, sharing: sharing)
            let streamed = Mutex<[Int: String]>([:])
            let jobs = zip(batch, try requests(model)).enumerated().map { index, pair in
                GenerationJob(session: pair.0, request: pair.1) { text in
                    streamed.withLock { $0[index, default: ""] += text }
                    return true
                }
            }
            let outcomes = try await model.generateTogether(jobs)
            #expect(outcomes.map(\.text) == expected.map(\.text), "sharing a prefix: \(sharing)")
            #expect(outcomes.map(\.stopReason) == expected.map(\.stopReason))
            #expect(outcomes.map(\.tokenCount) == expected.map(\.tokenCount))
            for (index, session) in batch.enumerated() {
                #expect(streamed.withLock { $0[index] ?? "" } == outcomes[index].text)
                #expect(await session.usage == expectedUsage[index], "usage of session \(index), sharing a prefix: \(sharing)")
            }
            // The constrained session wrote one of its choices.
            #expect([" yes", " no", " maybe"].contains(outcomes[2].text))
            // The contexts went on: a second round continues after what was written.
            let again = try await model.generateTogether(batch.map { GenerationJob(session: $0, request: GenerationRequest(maximumTokens: 4)) })
            #expect(again.count == 3)
        }
    }
}

/// `LanguageModel.logProbabilities(of:after:)`: one batched pass gives each
/// continuation the log-probability that scoring it token by token gives.
struct ScoreTogetherTests {
    @Test("continuations scored together equal their tokens' log-probabilities read one at a time; the session is unchanged")
    func scoresEqualStepByStep() async throws {
        let model = try LocalDeliberationTests.loadModel()
        let session = try await model.makeSession()
        try await session.start([Message(.user, "What is 4 + 8?")], assistantPrefix: "", stablePrefix: 0)
        let continuations = ["4 + 8 = 12", "The answer is 12.", "12", "Paris"]
        let scores = try #require(try await model.logProbabilities(of: continuations, after: session))
        #expect(scores.count == continuations.count)
        let engine = model.model
        for (text, score) in zip(continuations, scores) {
            // The reference: a fresh engine session reads the context, then each token.
            let reference = try engine.makeSession(contextLength: model.contextLength)
            var logits = try reference.append(engine.chatTokens([ChatMessage(role: .user, content: "What is 4 + 8?")]))
            var total = 0.0
            for token in engine.tokenizer.encode(text, addSpecial: false) {
                total += Double(Sampler.logProbabilities(logits)[Int(token)])
                logits = try reference.append([token])
            }
            #expect(abs(total - score) < 1e-3, "\(text): \(score) against \(total)")
        }
        #expect(scores[0] > scores[3], "an answer to the question should be likelier than 'Paris'")
        // The session goes on as before: generating now equals generating in a fresh one.
        let after = try await session.generate(GenerationRequest(maximumTokens: 6)) { _ in true }
        let fresh = try await model.makeSession()
        try await fresh.start([Message(.user, "What is 4 + 8?")], assistantPrefix: "", stablePrefix: 0)
        #expect(after.text == (try await fresh.generate(GenerationRequest(maximumTokens: 6)) { _ in true }).text)
    }
}
