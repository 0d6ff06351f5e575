import Foundation
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

/// The loaded model behind `ponder serve`'s plain model names, with continuous
/// batching: up to `parallel` requests generate together, one forward pass per
/// token for all of them (`BatchDecoder`), each streaming on its own. A request
/// joins between two passes (its prompt is evaluated in the passes that follow,
/// beside the others' tokens) and leaves as soon as it ends or its client goes.
///
/// Each slot keeps its session's KV cache from request to request, and a request
/// takes the free slot that already holds the longest prefix of its prompt (a
/// shared system prompt is read once per slot). The passes run on a thread of their
/// own, never on the cooperative pool; the server's admission queue lets at most
/// `parallel` requests in at once.
final class ServedEngine: @unchecked Sendable {
    let model: Model
    let contextLength: Int
    /// Requests that generate together.
    let parallel: Int

    /// A request handed to the engine thread.
    private final class Request: @unchecked Sendable {
        let prompt: [TokenID]
        let options: GenerationOptions
        let onStep: @Sendable (EngineStep) -> Bool
        let cancelled: CancellationFlag
        let continuation: CheckedContinuation<GenerationResult, any Error>

        init(
            prompt: [TokenID], options: GenerationOptions, onStep: @escaping @Sendable (EngineStep) -> Bool,
            cancelled: CancellationFlag, continuation: CheckedContinuation<GenerationResult, any Error>
        ) {
            self.prompt = prompt
            self.options = options
            self.onStep = onStep
            self.cancelled = cancelled
            self.continuation = continuation
        }
    }

    /// New requests, and a signal for the engine thread when it sleeps.
    private let inbox = NSCondition()
    /// Guarded by `inbox`.
    private var arrivals: [Request] = []
    private var started = false
    /// Only touched on the engine thread.
    private var slots: [InferenceSession?]
    private var running: [BatchDecoder.Handle: (request: Request, slot: Int)] = [:]
    private lazy var decoder = BatchDecoder(model: model)

    init(model: Model, contextLength: Int, parallel: Int = 4) {
        self.model = model
        self.contextLength = contextLength
        self.parallel = max(1, parallel)
        slots = Array(repeating: nil, count: max(1, parallel))
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
    /// engine's thread: it must not block) and may return false to stop. Cancelling
    /// the task stops generation before the next pass.
    ///
    /// The result reads as `InferenceSession.generate`'s: the text without a stop
    /// string, the tokens without the end-of-turn token, log-probabilities and
    /// alternatives recorded at every step (the one that ended generation included).
    /// A stream reports each token with its score, even while its text is held back.
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
                submit(Request(prompt: prompt, options: options, onStep: onStep, cancelled: cancelled, continuation: continuation))
            }
        } onCancel: {
            cancelled.cancel()
            inbox.lock()
            inbox.signal()
            inbox.unlock()
        }
    }

    /// The scores of a result's tokens, for `logprobs` (empty when the generation
    /// did not record log-probabilities).
    func scoredTokens(_ result: GenerationResult) -> [ScoredToken] {
        zip(result.tokens, result.logProbabilities).enumerated().map { index, scored in
            score(scored.0, logProbability: scored.1, alternatives: index < result.alternatives.count ? result.alternatives[index] : [])
        }
    }

    private func submit(_ request: Request) {
        inbox.lock()
        arrivals.append(request)
        if !started {
            started = true
            let thread = Thread { self.runPasses() }
            thread.name = "ponder.serve.engine"
            thread.qualityOfService = .userInitiated
            thread.start()
        }
        inbox.signal()
        inbox.unlock()
    }

    // MARK: - On the engine thread

    /// Admits arrivals, then runs one pass for everything in flight; sleeps while
    /// there is nothing to do, and returns after 30 s of that.
    private func runPasses() {
        while true {
            inbox.lock()
            while arrivals.isEmpty && running.isEmpty {
                // Idle for a while: the thread ends (and lets go of the engine); the
                // next request starts another.
                if !inbox.wait(until: Date(timeIntervalSinceNow: 30)) && arrivals.isEmpty {
                    started = false
                    inbox.unlock()
                    return
                }
            }
            let new = arrivals
            arrivals.removeAll()
            inbox.unlock()
            for request in new { start(request) }
            for (handle, entry) in running where entry.request.cancelled.isCancelled { decoder.cancel(handle) }
            guard !decoder.isEmpty else { continue }
            for finished in decoder.step() { end(finished) }
        }
    }

    /// Puts `request` in the free slot whose session shares the longest prefix with
    /// its prompt (a fresh session when none holds one).
    private func start(_ request: Request) {
        if request.cancelled.isCancelled {
            var result = GenerationResult()
            result.stopReason = .cancelled
            request.continuation.resume(returning: result)
            return
        }
        let busy = Set(running.values.map(\.slot))
        let free = slots.indices.filter { !busy.contains($0) }
        // An empty slot (-1) loses to any session, even one sharing nothing.
        let shared = { (slot: Int) in self.slots[slot]?.sharedPrefixLength(with: request.prompt) ?? -1 }
        guard let slot = free.max(by: { shared($0) < shared($1) }) else {
            // The admission queue lets in at most `parallel`; more is a bug, not a crash.
            request.continuation.resume(throwing: APIError.server("no free generation slot"))
            return
        }
        let session: InferenceSession
        do {
            session = try slots[slot] ?? model.makeSession(contextLength: contextLength)
        } catch {
            request.continuation.resume(throwing: APIError.server("the model could not start a session: \(error)"))
            return
        }
        slots[slot] = session
        let (options, onStep) = (request.options, request.onStep)
        let handle = decoder.add(session, prompt: request.prompt, options: options) { [unowned self] event in
            switch event {
            case let .token(token, text, logProbability, alternatives):
                let scored = logProbability.map { score(token, logProbability: $0, alternatives: alternatives) }
                guard !text.isEmpty || scored != nil else { return true }
                return onStep(EngineStep(text: text, token: scored))
            case let .heldText(text):
                return onStep(EngineStep(text: text, token: nil))
            }
        }
        running[handle] = (request, slot)
    }

    private func end(_ finished: BatchDecoder.Finished) {
        guard let (request, slot) = running.removeValue(forKey: finished.handle) else { return }
        switch finished.result {
        case let .success(result):
            request.continuation.resume(returning: result)
        case let .failure(error):
            // A failed pass may leave the cache half-written: the slot starts afresh.
            slots[slot] = nil
            request.continuation.resume(throwing: APIError.server("generation failed: \(error)"))
        }
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
