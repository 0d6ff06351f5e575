import Agent
import Foundation
import Hummingbird
import Inference
import OpenAIAPI

/// `POST /v1/chat/completions` on the engine: a validated request, its prompt,
/// then the reply, streamed or answered whole.
extension OpenAIServer {
    /// A chat request ready to run: everything checked before any response is sent.
    struct ChatJob: Sendable {
        let id = OpenAIServer.newID("chatcmpl")
        let created = Int(Date().timeIntervalSince1970)
        let model: String
        let prompt: ChatPrompt
        let tokens: [TokenID]
        let options: GenerationOptions
        let includeUsage: Bool
    }

    /// What a chat reply came to.
    struct ChatReply: Sendable {
        /// Text for the client (nil: a call only).
        var content: String?
        /// The call the reply makes, if any.
        var calls: [ToolCallObject] = []
        /// OpenAI's `finish_reason` ("tool_calls" for a call).
        var finishReason: String
        /// vLLM's `stop_reason`: the client's stop string that ended the text.
        var stopReason: String?
        var usage: Usage
        /// The text's tokens with their scores, when `logprobs` was asked for.
        var tokens: [ScoredToken]
    }

    func chatCompletion(_ incoming: Request) async throws -> Response {
        var request = incoming
        let body = try await decodeBody(ChatCompletionRequest.self, of: &request)
        if try kind(of: body.model) == .agent {
            return try await agentCompletion(body, requestBody: request.body)
        }
        let job = try prepareChat(body)
        let ticket = try admission.admit()
        if body.stream == true {
            return HTTPResponses.eventStream(requestBody: request.body) { events in
                defer { ticket.finish() }
                // The first event goes out at once, before waiting for the model.
                events.send(self.chunk(job, delta: .init(role: "assistant", content: "")))
                try await ticket.wait()
                try await self.streamChat(job, to: events)
            }
        }
        let reply = try await request.body.consumeWithCancellationOnInboundClose { _ in
            defer { ticket.finish() }
            try await ticket.wait()
            return try await self.reply(to: job) { _ in }
        }
        let message = ChatCompletionMessage(role: .assistant, content: reply.content, toolCalls: reply.calls.isEmpty ? nil : reply.calls)
        return HTTPResponses.closing(HTTPResponses.json(ChatCompletionResponse(
            id: job.id, created: job.created, model: job.model,
            choices: [.init(message: message, logprobs: Self.chatLogProbabilities(reply.tokens, asked: job.options.logProbabilities),
                            finishReason: reply.finishReason, stopReason: reply.stopReason)],
            usage: reply.usage)))
    }

    func prepareChat(_ body: ChatCompletionRequest) throws(APIError) -> ChatJob {
        try SamplingValidation.checkChoiceCount(body.n)
        if body.topLogprobs != nil, body.logprobs != true {
            throw .invalid("'top_logprobs' needs 'logprobs': true", param: "top_logprobs")
        }
        let prompt = try ChatPrompt(body, prompts: prompts, templateRendersTools: engine.model.chatTemplate.rendersHermesTools)
        let tokens = engine.chatTokens(prompt.messages, assistantPrefix: prompt.assistantPrefix, templateVariables: prompt.templateVariables)
        let available = engine.contextLength - tokens.count
        guard available > 0 else {
            throw .invalid(
                "the messages are \(tokens.count) tokens; this server's context holds \(engine.contextLength) (ponder serve --context)",
                param: "messages", code: "context_length_exceeded")
        }
        var options = try SamplingValidation.generationOptions(
            temperature: body.temperature, topP: body.topP, maxTokens: body.maxCompletionTokens ?? body.maxTokens,
            maxTokensField: body.maxCompletionTokens != nil ? "max_completion_tokens" : "max_tokens",
            stop: body.stop?.values, seed: body.seed, logProbabilities: body.logprobs == true, topAlternatives: body.topLogprobs ?? 0)
        options.maximumTokens = min(options.maximumTokens, available)
        return ChatJob(
            model: body.model, prompt: prompt, tokens: tokens, options: options, includeUsage: body.streamOptions?.includeUsage == true)
    }

    /// Runs a chat: the model writes its text (each step to `onStep`) until it ends,
    /// or until it opens a call, which `ToolCallWriter` then completes; a forced
    /// `tool_choice` goes straight to the call.
    func reply(to job: ChatJob, onStep: @escaping @Sendable (EngineStep) -> Void) async throws -> ChatReply {
        let prompt = job.prompt
        var text = prompt.assistantPrefix
        var reply = ChatReply(content: "", finishReason: "stop", usage: Usage(promptTokens: job.tokens.count, completionTokens: 0), tokens: [])
        let opening: String
        var name: String?
        switch prompt.choice {
        case .function(let forced):
            opening = HermesToolCall.opening
            name = forced
            text += opening
        case .required:
            opening = HermesToolCall.opening
            text += opening
        case .none, .auto:
            var options = job.options
            options.stopStrings += prompt.callOpenings
            let result = try await engine.generate(prompt: job.tokens, options: options) { step in
                onStep(step)
                return true
            }
            reply.content = result.text
            reply.tokens = engine.scoredTokens(result)
            reply.finishReason = result.stopReason.finishReason
            reply.stopReason = result.stopReason.stopReason
            reply.usage = Usage(promptTokens: job.tokens.count, completionTokens: result.tokens.count)
            guard case .stopString(let stop) = result.stopReason, prompt.callOpenings.contains(stop) else { return reply }
            reply.stopReason = nil
            text += result.text + stop
            opening = stop
            if stop != HermesToolCall.opening { name = String(stop.dropFirst().dropLast()) }
        }
        let writer = ToolCallWriter(tools: prompt.tools) { text, stops, maximum in
            var options = job.options
            options.stopStrings = stops
            options.maximumTokens = maximum
            options.logProbabilities = false
            options.alternatives = 0
            return try await self.engine.generate(
                prompt: self.engine.chatTokens(prompt.messages, assistantPrefix: text, templateVariables: prompt.templateVariables),
                options: options) { _ in true }
        }
        let call = try await writer.write(after: text, opening: opening, name: name, mustCall: prompt.choice != .auto)
        reply.usage = Usage(promptTokens: reply.usage.promptTokens, completionTokens: reply.usage.completionTokens + writer.generatedTokens)
        if let call {
            reply.calls = [call]
            reply.finishReason = "tool_calls"
            let trimmed = (reply.content ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            reply.content = trimmed.isEmpty ? nil : trimmed
        }
        return reply
    }

    /// Streams the reply as chunks: text as it is written, a call whole at the end.
    func streamChat(_ job: ChatJob, to events: EventWriter) async throws {
        let asked = job.options.logProbabilities
        let reply = try await self.reply(to: job) { step in
            events.send(self.chunk(job, delta: .init(content: step.text), logprobs: step.token.flatMap { Self.chatLogProbabilities([$0], asked: asked) }))
        }
        if !reply.calls.isEmpty {
            let deltas = reply.calls.enumerated().map { ToolCallDelta(index: $0.offset, call: $0.element) }
            events.send(chunk(job, delta: .init(toolCalls: deltas)))
        }
        events.send(ChatCompletionChunk(
            id: job.id, created: job.created, model: job.model,
            choices: [.init(delta: .init(), finishReason: reply.finishReason, stopReason: reply.stopReason)]))
        if job.includeUsage {
            events.send(ChatCompletionChunk(id: job.id, created: job.created, model: job.model, choices: [], usage: reply.usage))
        }
        events.done()
    }

    func chunk(_ job: ChatJob, delta: ChatCompletionChunk.Delta, logprobs: ChatLogProbabilities? = nil) -> ChatCompletionChunk {
        ChatCompletionChunk(id: job.id, created: job.created, model: job.model, choices: [.init(delta: delta, logprobs: logprobs)])
    }

    static func chatLogProbabilities(_ tokens: [ScoredToken], asked: Bool) -> ChatLogProbabilities? {
        guard asked else { return nil }
        return ChatLogProbabilities(content: tokens.map { token in
            TokenLogProbability(
                token: token.text, logprob: token.logProbability, bytes: token.bytes.map(Int.init),
                topLogprobs: token.alternatives.map { .init(token: $0.text, logprob: $0.logProbability, bytes: $0.bytes.map(Int.init)) })
        })
    }
}
