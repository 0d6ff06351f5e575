/// Generates for several sessions at once: every step is one forward pass that
/// advances each running generation by a token, so each weight matrix is read once
/// for all of them. Generations join (`add`) and leave (they finish, or `cancel`)
/// between steps; a newcomer's prompt is evaluated in the same passes as the others'
/// next tokens, in chunks, as llama.cpp's server does.
///
/// Each generation keeps its own options: sampler (temperature, seed), mask, stop
/// strings, token limit. A sequence decoded in a batch makes the same choices as it
/// would alone, up to near-ties that the different order of summation can flip.
///
/// Not thread-safe: one thread drives a decoder and its sessions.
public final class BatchDecoder {
    /// Names a generation added to the decoder.
    public struct Handle: Hashable, Sendable {
        let id: Int
    }

    /// A generation that ended in a step.
    public struct Finished {
        /// Which one.
        public let handle: Handle
        /// Its result, or why it failed (its session is left at the last token evaluated).
        public let result: Result<GenerationResult, InferenceError>
    }

    private final class Entry {
        let handle: Handle
        let session: InferenceSession
        var generation: SequenceGeneration
        /// Prompt tokens still to evaluate before generating.
        var pendingPrompt: ArraySlice<TokenID>
        var isCancelled = false
        var problem: InferenceError?

        init(handle: Handle, session: InferenceSession, generation: SequenceGeneration, pendingPrompt: ArraySlice<TokenID>) {
            self.handle = handle
            self.session = session
            self.generation = generation
            self.pendingPrompt = pendingPrompt
        }
    }

    /// The model every session must run.
    public let model: Model
    /// Most rows of one pass: decoding tokens plus prompt chunks.
    public let maximumRowsPerStep: Int
    private var entries: [Entry] = []
    private var nextID = 0

    /// A decoder for sessions of `model`; each step evaluates at most
    /// `maximumRowsPerStep` tokens (newcomers' prompts are split to fit).
    public init(model: Model, maximumRowsPerStep: Int = 512) {
        self.model = model
        self.maximumRowsPerStep = max(1, maximumRowsPerStep)
    }

    /// Generations not yet finished.
    public var count: Int { entries.count }

    /// True when nothing is left to generate.
    public var isEmpty: Bool { entries.isEmpty }

    /// Starts a generation in `session`. With a `prompt`, the session is first made to
    /// hold exactly it (reusing the prefix it already holds, as `setTokens` does),
    /// evaluated over the next steps; without one, generation continues after the
    /// session's tokens, which must have been evaluated. `onText` receives each piece
    /// of text and may return false to stop.
    @discardableResult
    public func add(
        _ session: InferenceSession, prompt: [TokenID]? = nil, options: GenerationOptions,
        onText: @escaping (String) -> Bool = { _ in true }
    ) -> Handle {
        add(session, prompt: prompt, options: options, onEvent: GenerationEvent.textOnly(onText))
    }

    /// Starts a generation as `add(_:prompt:options:onText:)` does, reporting every
    /// chosen token (with its score when the options ask for one) to `onEvent`.
    @discardableResult
    public func add(
        _ session: InferenceSession, prompt: [TokenID]? = nil, options: GenerationOptions,
        onEvent: @escaping (GenerationEvent) -> Bool
    ) -> Handle {
        let handle = Handle(id: nextID)
        nextID += 1
        let generation = SequenceGeneration(options: options, tokenizer: model.tokenizer, onEvent: onEvent)
        var pending: ArraySlice<TokenID> = []
        var problem: InferenceError?
        if session.model !== model {
            problem = .invalidArgument("the session belongs to another model than the batch decoder's")
        } else if entries.contains(where: { $0.session === session }) {
            problem = .invalidArgument("the session is already generating in this batch")
        } else if let prompt {
            if prompt.isEmpty {
                problem = .invalidArgument("no tokens to process")
            } else {
                pending = session.keepSharedPrefix(of: prompt)
            }
        } else if session.lastLogits == nil {
            problem = .invalidArgument("generation needs a prompt: append tokens first")
        }
        let entry = Entry(handle: handle, session: session, generation: generation, pendingPrompt: pending)
        entry.problem = problem
        entries.append(entry)
        return handle
    }

    /// Ends a generation: it is reported as cancelled by the next step, which does not
    /// evaluate anything for it.
    public func cancel(_ handle: Handle) {
        entries.first { $0.handle == handle }?.isCancelled = true
    }

    /// One forward pass: each generating sequence chooses its next token and all of
    /// them (and chunks of newcomers' prompts) are evaluated together. Returns the
    /// generations that ended, in the order they were added.
    public func step() -> [Finished] {
        var finished: [Finished] = []
        var segments: [Transformer.ForwardSegment] = []
        var owners: [Entry] = []
        var prefilling: [Entry] = []
        for entry in entries {
            if let problem = entry.problem {
                finished.append(Finished(handle: entry.handle, result: .failure(problem)))
            } else if entry.isCancelled {
                entry.generation.cancel()
                finished.append(Finished(handle: entry.handle, result: .success(entry.generation.finish())))
            } else if !entry.pendingPrompt.isEmpty {
                prefilling.append(entry)
            } else {
                let session = entry.session
                switch entry.generation.choose(
                    logits: session.lastLogits ?? [], history: session.tokens, contextLength: session.contextLength)
                {
                case let .evaluate(token):
                    segments.append(Transformer.ForwardSegment(tokens: [token], cache: session.cache))
                    owners.append(entry)
                case .finished:
                    finished.append(Finished(handle: entry.handle, result: .success(entry.generation.finish())))
                }
            }
        }
        // Prompts share what the pass has left, first come first served; each gets at
        // least a token so every newcomer moves.
        var budget = maximumRowsPerStep - segments.count
        for entry in prefilling {
            let take = min(entry.pendingPrompt.count, max(1, budget))
            budget -= take
            let isLast = take == entry.pendingPrompt.count
            segments.append(Transformer.ForwardSegment(
                tokens: Array(entry.pendingPrompt.prefix(take)), cache: entry.session.cache, logits: isLast ? .last : .none))
            owners.append(entry)
        }
        let results = segments.isEmpty ? [] : model.transformer.forward(segments)
        for (entry, (segment, result)) in zip(owners, zip(segments, results)) {
            switch result {
            case let .success(logits):
                let isPrompt = !entry.pendingPrompt.isEmpty
                if isPrompt { entry.pendingPrompt = entry.pendingPrompt.dropFirst(segment.tokens.count) }
                entry.session.didEvaluate(segment.tokens, logits: logits.isEmpty ? nil : logits)
            case let .failure(error):
                entry.problem = error
                finished.append(Finished(handle: entry.handle, result: .failure(error)))
            }
        }
        let ended = Set(finished.map(\.handle))
        entries.removeAll { ended.contains($0.handle) }
        let order = Dictionary(uniqueKeysWithValues: finished.map { ($0.handle, $0) })
        return finished.map(\.handle).sorted { $0.id < $1.id }.compactMap { order[$0] }
    }

    /// Steps until every generation has ended; returns their results by handle.
    public func run() -> [Handle: Result<GenerationResult, InferenceError>] {
        var results: [Handle: Result<GenerationResult, InferenceError>] = [:]
        while !isEmpty {
            for done in step() { results[done.handle] = done.result }
        }
        return results
    }
}
