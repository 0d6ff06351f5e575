import Foundation
import Hummingbird
import Inference
import OpenAIAPI

/// `POST /v1/completions`: continues a plain prompt (control-token text such as
/// `<|im_start|>` is read as those tokens, so a client can send a prompt it
/// rendered with the model's chat template).
extension OpenAIServer {
    /// A text completion ready to run: everything checked before any response is sent.
    struct CompletionJob: Sendable {
        let id = OpenAIServer.newID("cmpl")
        let created = Int(Date().timeIntervalSince1970)
        let model: String
        let tokens: [TokenID]
        let options: GenerationOptions
        let includeUsage: Bool
    }

    func completion(_ incoming: Request) async throws -> Response {
        var request = incoming
        let body = try await decodeBody(CompletionRequest.self, of: &request)
        guard try kind(of: body.model) == .engine else {
            throw APIError.invalid("'\(body.model)' answers chats only: use /v1/chat/completions", param: "model")
        }
        let job = try prepareCompletion(body)
        let ticket = try admission.admit()
        if body.stream == true {
            return HTTPResponses.eventStream(requestBody: request.body) { events in
                defer { ticket.finish() }
                try await ticket.wait()
                try await self.streamCompletion(job, to: events)
            }
        }
        let result = try await request.body.consumeWithCancellationOnInboundClose { _ in
            defer { ticket.finish() }
            try await ticket.wait()
            return try await self.engine.generate(prompt: job.tokens, options: job.options) { _ in true }
        }
        return HTTPResponses.closing(HTTPResponses.json(CompletionResponse(
            id: job.id, created: job.created, model: job.model,
            choices: [.init(text: result.text,
                            logprobs: Self.completionLogProbabilities(engine.scoredTokens(result), asked: job.options.logProbabilities),
                            finishReason: result.stopReason.finishReason, stopReason: result.stopReason.stopReason)],
            usage: Usage(promptTokens: job.tokens.count, completionTokens: result.tokens.count))))
    }

    func prepareCompletion(_ body: CompletionRequest) throws(APIError) -> CompletionJob {
        try SamplingValidation.checkChoiceCount(body.n)
        guard body.prompt.values.count == 1, let prompt = body.prompt.values.first else {
            throw .invalid("'prompt' must be one string (this server answers one prompt per request)", param: "prompt")
        }
        if body.echo == true { throw .invalid("'echo' is not supported", param: "echo") }
        if let logprobs = body.logprobs, logprobs < 0 {
            throw .invalid("'logprobs' must be 0 or more, got \(logprobs)", param: "logprobs")
        }
        let tokens = engine.promptTokens(prompt)
        guard !tokens.isEmpty else { throw .invalid("'prompt' is empty", param: "prompt") }
        let available = engine.contextLength - tokens.count
        guard available > 0 else {
            throw .invalid(
                "the prompt is \(tokens.count) tokens; this server's context holds \(engine.contextLength) (ponder serve --context)",
                param: "prompt", code: "context_length_exceeded")
        }
        var options = try SamplingValidation.generationOptions(
            temperature: body.temperature, topP: body.topP, maxTokens: body.maxTokens ?? 16, maxTokensField: "max_tokens",
            stop: body.stop?.values, seed: body.seed, logProbabilities: body.logprobs != nil, topAlternatives: body.logprobs ?? 0)
        options.maximumTokens = min(options.maximumTokens, available)
        return CompletionJob(model: body.model, tokens: tokens, options: options, includeUsage: body.streamOptions?.includeUsage == true)
    }

    func streamCompletion(_ job: CompletionJob, to events: EventWriter) async throws {
        let (steps, continuation) = AsyncStream<EngineStep>.makeStream()
        let result = try await withThrowingTaskGroup(of: GenerationResult.self) { group in
            group.addTask {
                defer { continuation.finish() }
                return try await self.engine.generate(prompt: job.tokens, options: job.options) { step in
                    continuation.yield(step)
                    return true
                }
            }
            for await step in steps {
                events.send(CompletionResponse(
                    id: job.id, created: job.created, model: job.model,
                    choices: [.init(text: step.text,
                                    logprobs: step.token.flatMap { Self.completionLogProbabilities([$0], asked: job.options.logProbabilities) },
                                    finishReason: nil)],
                    usage: nil))
            }
            return try await group.next()!
        }
        events.send(CompletionResponse(
            id: job.id, created: job.created, model: job.model,
            choices: [.init(text: "", finishReason: result.stopReason.finishReason, stopReason: result.stopReason.stopReason)],
            usage: job.includeUsage ? Usage(promptTokens: job.tokens.count, completionTokens: result.tokens.count) : nil))
        events.done()
    }

    /// The legacy shape: parallel arrays of tokens, their log-probabilities, the
    /// alternatives and each token's offset in the text.
    static func completionLogProbabilities(_ tokens: [ScoredToken], asked: Bool) -> CompletionLogProbabilities? {
        guard asked else { return nil }
        var offsets: [Int] = []
        var offset = 0
        for token in tokens {
            offsets.append(offset)
            offset += token.text.count
        }
        let alternatives: [[String: Double]] = tokens.map { token in
            Dictionary(token.alternatives.map { ($0.text, $0.logProbability) }, uniquingKeysWith: max)
        }
        return CompletionLogProbabilities(
            tokens: tokens.map(\.text), tokenLogprobs: tokens.map(\.logProbability),
            topLogprobs: tokens.contains { !$0.alternatives.isEmpty } ? alternatives : nil, textOffset: offsets)
    }
}
