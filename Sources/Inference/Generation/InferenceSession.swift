/// A conversation with the engine: the tokens processed so far and their KV cache.
/// Appending evaluates only the new tokens; generating extends the same cache.
public final class InferenceSession {
    /// The model this session runs.
    public let model: Model
    /// Keys and values of every evaluated token, per layer.
    public let cache: KVCache
    /// Every token evaluated so far, in order.
    public private(set) var tokens: [TokenID] = []
    /// Logits after the last evaluated token.
    public private(set) var lastLogits: [Float]?

    /// Tokens this session has run through the transformer (not those inherited
    /// from a fork or a prompt cache): the cost it has paid.
    public private(set) var evaluatedTokenCount = 0

    init(model: Model, contextLength: Int) throws(InferenceError) {
        self.model = model
        cache = try KVCache(config: model.config, capacity: contextLength)
    }

    init(model: Model, cache: KVCache, tokens: [TokenID], lastLogits: [Float]?) {
        self.model = model
        self.cache = cache
        self.tokens = tokens
        self.lastLogits = lastLogits
    }

    /// A branch that continues from exactly this point. It shares the KV cache's
    /// pages with this session (nothing is evaluated or copied now); whichever side
    /// later writes into a shared page copies that page only.
    public func fork() -> InferenceSession {
        InferenceSession(model: model, cache: cache.fork(), tokens: tokens, lastLogits: lastLogits)
    }

    /// Goes back to the first `position` tokens (for backtracking); logits are
    /// recomputed by the next append.
    public func truncate(to position: Int) {
        guard position < tokens.count else { return }
        cache.truncate(to: position)
        tokens.removeLast(tokens.count - max(0, position))
        lastLogits = nil
    }

    /// Makes the session hold exactly `prompt`, reusing the longest prefix it already
    /// has: only the tokens after the shared prefix are evaluated. Returns the
    /// logits after the last token.
    @discardableResult
    public func setTokens(_ prompt: [TokenID]) throws(InferenceError) -> [Float] {
        guard !prompt.isEmpty else { throw .invalidArgument("no tokens to process") }
        let rest = keepSharedPrefix(of: prompt)
        if rest.isEmpty, let lastLogits { return lastLogits }
        return try append(Array(rest))
    }

    /// How many of `prompt`'s first tokens this session already holds.
    public func sharedPrefixLength(with prompt: [TokenID]) -> Int {
        zip(tokens, prompt).prefix { $0 == $1 }.count
    }

    /// Goes back to the longest prefix shared with `prompt` (`prompt` not empty) and
    /// returns the tokens of `prompt` still to evaluate: none when the session holds
    /// exactly `prompt` and its logits, else at least the last token, whose logits
    /// generation needs.
    func keepSharedPrefix(of prompt: [TokenID]) -> ArraySlice<TokenID> {
        var shared = sharedPrefixLength(with: prompt)
        if shared == prompt.count && !(shared == tokens.count && lastLogits != nil) {
            shared -= 1
        }
        truncate(to: shared)
        return prompt[shared...]
    }

    /// The context length (positions the cache holds).
    public var contextLength: Int { cache.capacity }

    /// Evaluates `ids` after what is already in the session; returns the logits
    /// after the last one.
    @discardableResult
    public func append(_ ids: [TokenID]) throws(InferenceError) -> [Float] {
        let logits = try model.transformer.forward(ids, cache: cache, logits: .last)
        didEvaluate(ids, logits: logits)
        return logits
    }

    /// Evaluates `ids` and returns the logits after each of them (rows of the
    /// vocabulary size): how likely the model found each next token.
    public func appendScoringAll(_ ids: [TokenID]) throws(InferenceError) -> [Float] {
        let logits = try model.transformer.forward(ids, cache: cache, logits: .all)
        evaluatedTokenCount += ids.count
        tokens += ids
        lastLogits = Array(logits.suffix(model.config.vocabularySize))
        return logits
    }

    /// Forgets everything: the next append starts at position 0.
    public func reset() {
        cache.truncate(to: 0)
        tokens = []
        lastLogits = nil
    }

    /// Generates after the session's tokens (which must not be empty), streaming each
    /// piece of complete text to `onText`; returning `false` from it stops early.
    public func generate(
        _ options: GenerationOptions, onText: (String) -> Bool = { _ in true }
    ) throws(InferenceError) -> GenerationResult {
        guard var logits = lastLogits else { throw .invalidArgument("generation needs a prompt: append tokens first") }
        let outcome = withoutActuallyEscaping(onText) { onText -> Result<GenerationResult, InferenceError> in
            var generation = SequenceGeneration(options: options, tokenizer: model.tokenizer, onEvent: GenerationEvent.textOnly(onText))
            while case let .evaluate(token) = generation.choose(logits: logits, history: tokens, contextLength: contextLength) {
                do throws(InferenceError) {
                    logits = try append([token])
                } catch {
                    return .failure(error)
                }
            }
            return .success(generation.finish())
        }
        return try outcome.get()
    }

    /// Records tokens a batched pass evaluated into this session's cache.
    func didEvaluate(_ ids: [TokenID], logits: [Float]?) {
        evaluatedTokenCount += ids.count
        tokens += ids
        lastLogits = logits
    }
}

/// What to generate and when to stop.
public struct GenerationOptions: Sendable {
    /// Generation stops after this many tokens.
    public var maximumTokens: Int
    /// How each next token is chosen.
    public var sampling: SamplingParameters
    /// Generation stops before any of these strings; they are not part of the text.
    public var stopStrings: [String]
    /// Stop at end-of-sequence / end-of-turn tokens.
    public var stopAtEndOfGeneration: Bool
    /// Render control tokens the model writes as their text.
    public var renderSpecialTokens: Bool
    /// Record the log-probability of each chosen token.
    public var logProbabilities: Bool
    /// Record, at each step, this many of the most likely tokens with their
    /// log-probabilities (before masking and temperature): what the model expected.
    public var alternatives: Int
    /// The tokens allowed next, given those generated so far (nil: all).
    public var mask: (@Sendable ([TokenID]) -> TokenMask?)?

    /// Options with the given values; the defaults generate up to 256 tokens greedily.
    public init(
        maximumTokens: Int = 256, sampling: SamplingParameters = .greedy, stopStrings: [String] = [],
        stopAtEndOfGeneration: Bool = true, renderSpecialTokens: Bool = false, logProbabilities: Bool = false,
        alternatives: Int = 0, mask: (@Sendable ([TokenID]) -> TokenMask?)? = nil
    ) {
        self.maximumTokens = maximumTokens
        self.sampling = sampling
        self.stopStrings = stopStrings
        self.stopAtEndOfGeneration = stopAtEndOfGeneration
        self.renderSpecialTokens = renderSpecialTokens
        self.logProbabilities = logProbabilities
        self.alternatives = alternatives
        self.mask = mask
    }
}

/// What a generation produced and why it ended.
public struct GenerationResult: Sendable, Equatable {
    /// Why a generation ended.
    public enum StopReason: Sendable, Equatable {
        /// In order: the model wrote an end-of-sequence or end-of-turn token, the token
        /// limit was reached, the context is full, the text handler asked to stop.
        case endOfGeneration, maximumTokens, contextFull, cancelled
        /// The text reached this stop string.
        case stopString(String)
    }

    /// Generated tokens (without the end-of-generation token).
    public var tokens: [TokenID] = []
    /// Their text, up to (not including) a stop string.
    public var text = ""
    /// Why generation ended.
    public var stopReason: StopReason = .maximumTokens
    /// log-probability of each chosen token, when requested.
    public var logProbabilities: [Float] = []
    /// At each step (including the one that ended generation), the most likely
    /// tokens and their log-probabilities, best first, when requested.
    public var alternatives: [[TokenProbability]] = []

    /// A result with the given parts; the defaults are an empty one that has not
    /// stopped for any other reason yet.
    public init(
        tokens: [TokenID] = [], text: String = "", stopReason: StopReason = .maximumTokens,
        logProbabilities: [Float] = [], alternatives: [[TokenProbability]] = []
    ) {
        self.tokens = tokens
        self.text = text
        self.stopReason = stopReason
        self.logProbabilities = logProbabilities
        self.alternatives = alternatives
    }
}

/// A token and its log-probability.
public struct TokenProbability: Sendable, Equatable {
    /// The token.
    public var token: TokenID
    /// Its natural-log probability.
    public var logProbability: Float

    /// A token with its log-probability.
    public init(token: TokenID, logProbability: Float) {
        self.token = token
        self.logProbability = logProbability
    }
}
