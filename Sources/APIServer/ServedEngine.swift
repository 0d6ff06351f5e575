import Dispatch
import Inference
import Synchronization

/// Sampling and stopping for one served generation, as the API asked.
struct EngineRequest: Sendable {
    var maximumTokens: Int
    /// 0 is greedy.
    var temperature: Double
    var topP: Double
    var seed: UInt64
    var stopStrings: [String]
    /// Report each token's log-probability …
    var logProbabilities: Bool
    /// … and this many most likely alternatives.
    var topAlternatives: Int
}

/// A generated token with its log-probability, for `logprobs`.
struct ScoredToken: Sendable, Equatable {
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

/// What one step of generation produced: text that became visible (possibly
/// empty: held back for a stop string or an unfinished character), and the token's
/// score when asked for.
struct EngineStep: Sendable {
    var text: String
    var token: ScoredToken?
}

/// How a served generation ended.
enum EngineFinish: Sendable, Equatable {
    /// The model ended its turn.
    case endOfTurn
    /// `max_tokens`, or the context is full.
    case length
    /// A stop string (not part of the text).
    case stopString(String)
    /// The client left, or the task was cancelled.
    case cancelled

    /// OpenAI's `finish_reason`.
    var finishReason: String {
        switch self {
        case .length: "length"
        case .endOfTurn, .stopString, .cancelled: "stop"
        }
    }

    var stopReason: String? {
        if case .stopString(let stop) = self { return stop }
        return nil
    }
}

/// What a served generation produced.
struct EngineResult: Sendable {
    var text: String
    var finish: EngineFinish
    var promptTokens: Int
    var completionTokens: Int
    var tokens: [ScoredToken]
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
    /// the assistant's reply (`assistantPrefix`, continued by the model).
    func chatTokens(_ messages: [ChatMessage], assistantPrefix: String) -> [TokenID] {
        var tokens = model.chatTokens(messages)
        if !assistantPrefix.isEmpty { tokens += model.tokenizer.encode(assistantPrefix, addSpecial: false) }
        return tokens
    }

    /// The tokens of a plain prompt (control-token text such as `<|im_start|>` read as
    /// those tokens, as llama.cpp's server does).
    func promptTokens(_ text: String) -> [TokenID] {
        model.tokenizer.encode(text, addSpecial: true, parseSpecial: true)
    }

    /// Generates after `prompt`; `onStep` receives each step (on the engine's queue:
    /// it must not block) and may return false to stop. Cancelling the task stops
    /// generation before the next token.
    func generate(prompt: [TokenID], request: EngineRequest, onStep: @escaping @Sendable (EngineStep) -> Bool) async throws -> EngineResult {
        guard !prompt.isEmpty else { throw APIError.invalid("the prompt is empty") }
        guard prompt.count < contextLength else {
            throw APIError.invalid(
                "the prompt is \(prompt.count) tokens; this server's context holds \(contextLength) (ponder serve --context)",
                param: "messages", code: "context_length_exceeded")
        }
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<EngineResult, any Error>) in
                queue.async {
                    continuation.resume(with: Result {
                        try self.generateNow(prompt: prompt, request: request, cancelled: cancelled, onStep: onStep)
                    })
                }
            }
        } onCancel: {
            cancelled.cancel()
        }
    }

    // MARK: - On the queue

    private func generateNow(
        prompt: [TokenID], request: EngineRequest, cancelled: CancellationFlag, onStep: (EngineStep) -> Bool
    ) throws -> EngineResult {
        var result = EngineResult(text: "", finish: .length, promptTokens: prompt.count, completionTokens: 0, tokens: [])
        if cancelled.isCancelled {
            result.finish = .cancelled
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
        let tokenizer = model.tokenizer
        var sampler = Sampler(parameters: SamplingParameters(
            temperature: Float(request.temperature), topK: 0, topP: Float(request.topP), minP: 0, seed: request.seed))
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        var stops = StopStringMatcher(stopStrings: request.stopStrings)
        let endTokens = tokenizer.vocabulary.endOfGenerationTokens

        func emit(_ text: String, _ token: ScoredToken?) -> Bool {
            result.text += text
            if let token { result.tokens.append(token) }
            guard !text.isEmpty || token != nil else { return true }
            return onStep(EngineStep(text: text, token: token))
        }

        generation: while true {
            if cancelled.isCancelled {
                result.finish = .cancelled
                break
            }
            if result.completionTokens >= request.maximumTokens || session.tokens.count >= contextLength {
                result.finish = .length
                break
            }
            let token = sampler.sample(logits, history: session.tokens)
            if endTokens.contains(token) {
                result.finish = .endOfTurn
                break
            }
            result.completionTokens += 1
            let scored = request.logProbabilities ? score(token, logits: logits, alternatives: request.topAlternatives) : nil
            let (text, stopped) = stops.feed(detokenizer.append(token))
            if !emit(text, scored) {
                result.finish = .cancelled
                break
            }
            if let stopped {
                result.finish = .stopString(stopped)
                break generation
            }
            do {
                logits = try session.append([token])
            } catch {
                self.session = nil
                throw APIError.server("generation failed: \(error)")
            }
        }
        switch result.finish {
        case .endOfTurn, .length: _ = emit(stops.flush() + detokenizer.flush(), nil)
        case .stopString, .cancelled: break
        }
        return result
    }

    /// The token's log-probability and the `count` most likely tokens at that step.
    private func score(_ token: TokenID, logits: [Float], alternatives count: Int) -> ScoredToken {
        let logProbabilities = Sampler.logProbabilities(logits)
        let tokenizer = model.tokenizer
        func describe(_ id: Int) -> (String, [UInt8]) {
            let bytes = tokenizer.piece(TokenID(id), special: true)
            return (String(decoding: bytes, as: UTF8.self), bytes)
        }
        let best = count > 0 ? Sampler.mostLikely(logProbabilities, count: count) : []
        let (text, bytes) = describe(Int(token))
        return ScoredToken(
            text: text, bytes: bytes, logProbability: Double(logProbabilities[Int(token)]),
            alternatives: best.map { alternative in
                let (text, bytes) = describe(Int(alternative.token))
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
