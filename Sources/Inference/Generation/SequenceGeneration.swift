/// The token-by-token state of one generation: its sampler, detokenizer, stop
/// strings and result so far. `InferenceSession.generate` drives one; a
/// `BatchDecoder` drives many, one forward pass for all of them per step. Either way
/// the same choices are made from the same logits.
struct SequenceGeneration {
    /// What to do after a choice.
    enum Step {
        /// Evaluate this token and call `choose` again with its logits.
        case evaluate(TokenID)
        /// Generation has ended (`result.stopReason` says why); call `finish()`.
        case finished
    }

    let options: GenerationOptions
    private var sampler: Sampler
    private var detokenizer: StreamingDetokenizer
    private var stops: StopStringMatcher
    private let endTokens: Set<TokenID>
    private let onEvent: (GenerationEvent) -> Bool
    private(set) var result = GenerationResult()

    init(options: GenerationOptions, tokenizer: Tokenizer, onEvent: @escaping (GenerationEvent) -> Bool) {
        self.options = options
        sampler = Sampler(parameters: options.sampling)
        detokenizer = StreamingDetokenizer(tokenizer: tokenizer, special: options.renderSpecialTokens)
        stops = StopStringMatcher(stopStrings: options.stopStrings)
        endTokens = options.stopAtEndOfGeneration ? Set(tokenizer.vocabulary.endOfGenerationTokens) : []
        self.onEvent = onEvent
    }

    /// Chooses the next token from `logits`, the distribution after `history` (the
    /// session's tokens, `contextLength` at most).
    mutating func choose(logits: [Float], history: [TokenID], contextLength: Int) -> Step {
        if result.tokens.count >= options.maximumTokens {
            return stop(.maximumTokens)
        }
        if history.count >= contextLength {
            return stop(.contextFull)
        }
        let mask = options.mask?(result.tokens)
        let token = sampler.sample(logits, history: history, mask: mask)
        var logProbability: Float?
        var alternatives: [TokenProbability] = []
        if options.logProbabilities || options.alternatives > 0 {
            let logProbabilities = Sampler.logProbabilities(logits)
            if options.logProbabilities {
                logProbability = logProbabilities[Int(token)]
                result.logProbabilities.append(logProbabilities[Int(token)])
            }
            if options.alternatives > 0 {
                alternatives = Sampler.mostLikely(logProbabilities, count: options.alternatives)
                result.alternatives.append(alternatives)
            }
        }
        if endTokens.contains(token) {
            return stop(.endOfGeneration)
        }
        result.tokens.append(token)
        let (text, stopped) = stops.feed(detokenizer.append(token))
        result.text += text
        if !onEvent(.token(token, text: text, logProbability: logProbability, alternatives: alternatives)) {
            return stop(.cancelled)
        }
        if let stopped {
            return stop(.stopString(stopped))
        }
        return .evaluate(token)
    }

    /// Ends the generation early: the text handler asked to stop, or the caller
    /// cancelled it.
    mutating func cancel() {
        result.stopReason = .cancelled
    }

    /// Sends the text held back (incomplete characters, a possible stop string's
    /// start) unless generation was cancelled or hit a stop string; returns the result.
    mutating func finish() -> GenerationResult {
        switch result.stopReason {
        case .cancelled, .stopString: break
        default:
            let text = stops.flush() + detokenizer.flush()
            if !text.isEmpty {
                result.text += text
                _ = onEvent(.heldText(text))
            }
        }
        return result
    }

    private mutating func stop(_ reason: GenerationResult.StopReason) -> Step {
        result.stopReason = reason
        return .finished
    }

}

/// What a generation makes visible as it goes.
public enum GenerationEvent: Sendable {
    /// A token was chosen (not an end-of-generation token): the text it completes
    /// (possibly empty: held back for a stop string or an unfinished character), and
    /// its log-probability and the likeliest alternatives when they were asked for.
    case token(TokenID, text: String, logProbability: Float?, alternatives: [TokenProbability])
    /// Text held back until the end, released when generation ended normally.
    case heldText(String)

    /// The text this event adds to the generation's text.
    public var text: String {
        switch self {
        case let .token(_, text, _, _): text
        case let .heldText(text): text
        }
    }

    /// An event handler that passes non-empty text to `onText`.
    static func textOnly(_ onText: @escaping (String) -> Bool) -> (GenerationEvent) -> Bool {
        { event in event.text.isEmpty || onText(event.text) }
    }
}
