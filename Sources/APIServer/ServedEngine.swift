import Dispatch
import Inference
import Synchronization

/// A generated token with its log-probabilities, as `logprobs` reports it: the
/// token's text and bytes (control tokens spelled out), and the most likely
/// alternatives at its step.
struct ScoredToken: Sendable, Equatable {
    /// A token the model could have written instead.
    struct Alternative: Sendable, Equatable {
        var text: String
        var bytes: [UInt8]
        var logProbability: Double
    }

    var text: String
    var bytes: [UInt8]
    var logProbability: Double
    var alternatives: [Alternative]
}

/// What one token of a served generation made visible: text (possibly empty: held
/// back for a stop string or an unfinished character), and the token's score when
/// the request asked for log-probabilities.
struct EngineStep: Sendable {
    var text: String
    var token: ScoredToken?
}

/// How a generation ended, in OpenAI's terms.
extension GenerationResult.StopReason {
    /// OpenAI's `finish_reason`: "length" for the token limit and a full context,
    /// "stop" otherwise.
    var finishReason: String {
        switch self {
        case .maximumTokens, .contextFull: "length"
        case .endOfGeneration, .stopString, .cancelled: "stop"
        }
    }

    /// vLLM's `stop_reason`: the stop string that ended generation, if one did.
    var stopReason: String? {
        if case .stopString(let stop) = self { return stop }
        return nil
    }
}

/// The loaded model behind `ponder serve`'s plain model names: one session whose KV
/// cache is reused from request to request (a shared system prompt is read once),
/// driven on a serial queue of its own, never on the cooperative pool. The
/// server's admission queue lets one request in at a time.
final class ServedEngine: @unchecked Sendable {
    let model: Model
    let contextLength: Int
    private let queue = DispatchQueue(label: "ponder.serve.engine", qos: .userInitiated)
    /// Only touched on `queue`.
    private var session: InferenceSession?

    init(model: Model, contextLength: Int) {
        self.model = model
        self.contextLength = contextLength
    }

    /// The prompt of a conversation: the chat template's layout, then the start of
    /// the assistant's reply (`assistantPrefix`, continued by the model). With
    /// `templateVariables` (a request whose tools the template lays out itself) the
    /// template renders those instead, and `messages` only if it refuses them.
    func chatTokens(_ messages: [ChatMessage], assistantPrefix: String, templateVariables: [String: JinjaValue]? = nil) -> [TokenID] {
        var tokens: [TokenID]
        if let templateVariables, let native = try? model.chatTokens(variables: templateVariables) {
            tokens = native
        } else {
            tokens = model.chatTokens(messages)
        }
        if !assistantPrefix.isEmpty { tokens += model.tokenizer.encode(assistantPrefix, addSpecial: false) }
        return tokens
    }

    /// The tokens of a plain prompt (control-token text such as `<|im_start|>` read as
    /// those tokens, as llama.cpp's server does).
    func promptTokens(_ text: String) -> [TokenID] {
        model.tokenizer.encode(text, addSpecial: true, parseSpecial: true)
    }

    /// Generates after `prompt` as `options` ask (token limit, sampling, stop
    /// strings, log-probabilities); `onStep` receives each token's step (on the
    /// engine's queue: it must not block) and may return false to stop. Cancelling
    /// the task stops generation before the next token.
    ///
    /// The result reads as `InferenceSession.generate`'s: the text without a stop
    /// string, the tokens without the end-of-turn token, log-probabilities and
    /// alternatives recorded at every step (the one that ended generation included).
    /// The loop is the server's own because a stream reports each token with its
    /// score, and a client that leaves is noticed before the next token even while
    /// text is held back.
    func generate(
        prompt: [TokenID], options: GenerationOptions, onStep: @escaping @Sendable (EngineStep) -> Bool
    ) async throws -> GenerationResult {
        guard !prompt.isEmpty else { throw APIError.invalid("the prompt is empty") }
        guard prompt.count < contextLength else {
            throw APIError.invalid(
                "the prompt is \(prompt.count) tokens; this server's context holds \(contextLength) (ponder serve --context)",
                param: "messages", code: "context_length_exceeded")
        }
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<GenerationResult, any Error>) in
                queue.async {
                    continuation.resume(with: Result {
                        try self.generateNow(prompt: prompt, options: options, cancelled: cancelled, onStep: onStep)
                    })
                }
            }
        } onCancel: {
            cancelled.cancel()
        }
    }

    /// The scores of a result's tokens, for `logprobs` (empty when the generation
    /// did not record log-probabilities).
    func scoredTokens(_ result: GenerationResult) -> [ScoredToken] {
        zip(result.tokens, result.logProbabilities).enumerated().map { index, scored in
            score(scored.0, logProbability: scored.1, alternatives: index < result.alternatives.count ? result.alternatives[index] : [])
        }
    }

    // MARK: - On the queue

    private func generateNow(
        prompt: [TokenID], options: GenerationOptions, cancelled: CancellationFlag, onStep: (EngineStep) -> Bool
    ) throws -> GenerationResult {
        var result = GenerationResult()
        if cancelled.isCancelled {
            result.stopReason = .cancelled
            return result
        }
        let session: InferenceSession
        do {
            session = try self.session ?? model.makeSession(contextLength: contextLength)
            self.session = session
        } catch {
            throw APIError.server("the model could not start a session: \(error)")
        }
        var logits: [Float]
        do {
            logits = try session.setTokens(prompt)
        } catch {
            // A failed evaluation may leave the cache half-written: start afresh next time.
            self.session = nil
            throw APIError.server("the model could not read the prompt: \(error)")
        }
        var sampler = Sampler(parameters: options.sampling)
        var detokenizer = StreamingDetokenizer(tokenizer: model.tokenizer)
        var stops = StopStringMatcher(stopStrings: options.stopStrings)
        let endTokens = model.tokenizer.vocabulary.endOfGenerationTokens

        func emit(_ text: String, _ token: ScoredToken?) -> Bool {
            result.text += text
            guard !text.isEmpty || token != nil else { return true }
            return onStep(EngineStep(text: text, token: token))
        }

        while true {
            if cancelled.isCancelled {
                result.stopReason = .cancelled
                break
            }
            if result.tokens.count >= options.maximumTokens {
                result.stopReason = .maximumTokens
                break
            }
            if session.tokens.count >= contextLength {
                result.stopReason = .contextFull
                break
            }
            let token = sampler.sample(logits, history: session.tokens)
            var scored: ScoredToken?
            if options.logProbabilities || options.alternatives > 0 {
                let logProbabilities = Sampler.logProbabilities(logits)
                let best = options.alternatives > 0 ? Sampler.mostLikely(logProbabilities, count: options.alternatives) : []
                if options.alternatives > 0 { result.alternatives.append(best) }
                if options.logProbabilities {
                    result.logProbabilities.append(logProbabilities[Int(token)])
                    scored = score(token, logProbability: logProbabilities[Int(token)], alternatives: best)
                }
            }
            if endTokens.contains(token) {
                result.stopReason = .endOfGeneration
                break
            }
            result.tokens.append(token)
            let (text, stopped) = stops.feed(detokenizer.append(token))
            if !emit(text, scored) {
                result.stopReason = .cancelled
                break
            }
            if let stopped {
                result.stopReason = .stopString(stopped)
                break
            }
            do {
                logits = try session.append([token])
            } catch {
                self.session = nil
                throw APIError.server("generation failed: \(error)")
            }
        }
        switch result.stopReason {
        case .endOfGeneration, .maximumTokens, .contextFull: _ = emit(stops.flush() + detokenizer.flush(), nil)
        case .stopString, .cancelled: break
        }
        return result
    }

    /// A token's score as `logprobs` reports it.
    private func score(_ token: TokenID, logProbability: Float, alternatives: [TokenProbability]) -> ScoredToken {
        let tokenizer = model.tokenizer
        func describe(_ id: TokenID) -> (String, [UInt8]) {
            let bytes = tokenizer.piece(id, special: true)
            return (String(decoding: bytes, as: UTF8.self), bytes)
        }
        let (text, bytes) = describe(token)
        return ScoredToken(
            text: text, bytes: bytes, logProbability: Double(logProbability),
            alternatives: alternatives.map { alternative in
                let (text, bytes) = describe(alternative.token)
                return ScoredToken.Alternative(text: text, bytes: bytes, logProbability: Double(alternative.logProbability))
            })
    }
}

/// Set once, from any thread, when a generation should stop.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func cancel() { flag.store(true, ordering: .relaxed) }

    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
