import Agent
import Inference
import Synchronization

/// A planner session on the local engine. The context is kept as tokens; the KV
/// cache follows it lazily, and only tokens after the longest shared prefix are
/// evaluated. All engine work runs on the owner's serial queue.
final class LocalSession: LanguageModelSession, @unchecked Sendable {
    private let owner: LocalLanguageModel
    /// Only touched on `owner.queue`.
    private var inference: InferenceSession
    /// The tokens the context should hold (the KV cache catches up before use).
    private var contextTokens: [TokenID] = []
    private var counts = TokenUsage()
    /// Set when the task waiting for this session is cancelled.
    private let cancelled = Atomic<Bool>(false)

    init(owner: LocalLanguageModel, inference: InferenceSession, contextTokens: [TokenID] = []) {
        self.owner = owner
        self.inference = inference
        self.contextTokens = contextTokens
    }

    private var model: Model { owner.model }

    /// Whether this session runs on `model`'s queue.
    func belongs(to model: LocalLanguageModel) -> Bool { owner === model }

    var usage: TokenUsage {
        get async { (try? await owner.run { self.counts }) ?? TokenUsage() }
    }

    func start(_ messages: [Message], assistantPrefix: String, stablePrefix: Int) async throws {
        try await owner.run {
            let chat = messages.map(ChatMessage.init)
            var tokens = self.model.chatTokens(chat)
            tokens += self.model.tokenizer.encode(assistantPrefix, addSpecial: false)
            if stablePrefix > 0, self.inference.tokens.isEmpty, let cache = self.owner.promptCache,
               let cached = try cache.session(
                   model: self.model, stableMessages: Array(chat.prefix(stablePrefix)), of: tokens,
                   contextLength: self.inference.contextLength) {
                self.inference = cached
            }
            self.contextTokens = tokens
            try self.catchUp()
        }
    }

    func append(_ text: String) async throws {
        try await owner.run {
            self.contextTokens += self.model.tokenizer.encode(text, addSpecial: false)
        }
    }

    func generate(_ request: GenerationRequest, onText: @escaping @Sendable (String) -> Bool) async throws -> GenerationOutcome {
        cancelled.store(false, ordering: .relaxed)
        return try await withTaskCancellationHandler {
            try await owner.run { try self.generateNow(request, onText: onText) }
        } onCancel: {
            cancelled.store(true, ordering: .relaxed)
        }
    }

    func fork() async throws -> any LanguageModelSession {
        try await owner.run {
            try self.catchUp()
            return LocalSession(owner: self.owner, inference: self.inference.fork(), contextTokens: self.contextTokens)
        }
    }

    // MARK: - On the queue

    /// Makes the KV cache hold `contextTokens`, evaluating only what is new.
    private func catchUp() throws {
        guard !contextTokens.isEmpty, contextTokens != inference.tokens || inference.lastLogits == nil else { return }
        try checkContextFits()
        let before = inference.evaluatedTokenCount
        try inference.setTokens(contextTokens)
        counts.prompt += inference.evaluatedTokenCount - before
    }

    /// The context must leave room for at least one generated token.
    private func checkContextFits() throws {
        guard contextTokens.count < inference.contextLength else {
            throw InferenceError.invalidArgument(
                "the conversation (\(contextTokens.count) tokens) no longer fits the context of \(inference.contextLength) tokens")
        }
    }

    private func generateNow(_ request: GenerationRequest, onText: @escaping @Sendable (String) -> Bool) throws -> GenerationOutcome {
        try catchUp()
        let result = try inference.generate(options(for: request)) { piece in
            !self.cancelled.load(ordering: .relaxed) && onText(piece)
        }
        return record(result)
    }

    /// The engine's options for `request`: its limits, sampling, stop strings and
    /// constraint (as a token mask).
    func options(for request: GenerationRequest) -> GenerationOptions {
        let tokenizer = model.tokenizer
        let vocabularySize = model.config.vocabularySize
        var mask: (@Sendable ([TokenID]) -> TokenMask?)?
        if let constraint = request.constraint {
            mask = { generated in
                guard let allowed = constraint.allowedTokens(after: tokenizer.decode(generated)) else { return nil }
                return TokenMask(vocabularySize: vocabularySize, words: allowed.words)
            }
        }
        return GenerationOptions(
            maximumTokens: request.maximumTokens,
            sampling: SamplingParameters(temperature: Float(request.temperature), seed: request.seed),
            stopStrings: request.stopStrings, logProbabilities: request.logProbabilities, alternatives: request.alternatives, mask: mask)
    }

    /// Adds what a generation wrote to the context and the counts; its outcome.
    func record(_ result: GenerationResult) -> GenerationOutcome {
        let tokenizer = model.tokenizer
        counts.generated += result.tokens.count
        var stopString: String?
        if case .stopString(let stop) = result.stopReason { stopString = stop }
        let written = result.text + (stopString ?? "")
        // Keep the model's own tokens when they spell exactly what was kept;
        // otherwise (a token ran past the stop string) take the text.
        if tokenizer.decode(result.tokens) == written {
            contextTokens += result.tokens
        } else {
            contextTokens += tokenizer.encode(written, addSpecial: false)
        }
        return GenerationOutcome(
            text: result.text, stopReason: Self.stopReason(result.stopReason), tokenCount: result.tokens.count,
            logProbabilities: result.logProbabilities.map(Double.init),
            alternatives: result.alternatives.map { step in
                step.map { TokenAlternative(text: tokenizer.decode([$0.token]), logProbability: Double($0.logProbability)) }
            })
    }

    /// Adds this session's generation to `decoder`: its context is evaluated (what is
    /// new) in the decoder's passes, then it generates as `request` asks. Call
    /// `record` with the result.
    func join(_ decoder: BatchDecoder, request: GenerationRequest, onText: @escaping @Sendable (String) -> Bool) throws -> BatchDecoder.Handle {
        try checkContextFits()
        cancelled.store(false, ordering: .relaxed)
        let handle = decoder.add(inference, prompt: contextTokens.isEmpty ? nil : contextTokens, options: options(for: request)) { piece in
            !self.cancelled.load(ordering: .relaxed) && onText(piece)
        }
        // The decoder kept the prefix the cache already held; the rest is read now.
        counts.prompt += max(0, contextTokens.count - inference.tokens.count)
        return handle
    }

    /// The engine session with the context evaluated, and the logits after it.
    func evaluatedState() throws -> (InferenceSession, [Float]) {
        try catchUp()
        guard let logits = inference.lastLogits else {
            throw InferenceError.invalidArgument("scoring needs a context: start the session first")
        }
        return (inference, logits)
    }

    /// Counts tokens read to score continuations.
    func countScored(_ tokens: Int) {
        counts.prompt += tokens
    }

    /// Asks a generation in a batch to stop before its next token.
    func cancelGeneration() {
        cancelled.store(true, ordering: .relaxed)
    }

    private static func stopReason(_ reason: GenerationResult.StopReason) -> GenerationOutcome.StopReason {
        switch reason {
        case .endOfGeneration: .endOfTurn
        case .maximumTokens: .maximumTokens
        case .contextFull: .contextFull
        case .cancelled: .cancelled
        case .stopString(let stop): .stopString(stop)
        }
    }
}
