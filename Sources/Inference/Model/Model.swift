/// A model ready to run: the mapped file, its hyper-parameters, tokenizer, chat
/// template and transformer, with any LoRA adapters applied at inference (each
/// changed matrix adds its low-rank product; the base weights stay as mapped).
public final class Model: Sendable {
    /// The mapped GGUF file that holds the weights.
    public let file: GGUFFile
    /// The hyper-parameters.
    public let config: ModelConfig
    /// Turns text into token ids and back.
    public let tokenizer: Tokenizer
    /// How conversations are laid out as text for this model.
    public let chatTemplate: ChatTemplate
    /// The forward pass.
    public let transformer: Transformer
    /// The LoRA adapters applied, in the order given.
    public let adapters: [AppliedAdapter]
    /// A hash of the applied adapters' values, alphas and scales (0 with none): what
    /// tells evaluated state of the adapted model from the base model's.
    public let adapterFingerprint: UInt64

    /// Loads the model at `path` and applies `adapters` (each with its scale; see
    /// `LoRAAdapter.load(path:for:)` to read them); every problem is an
    /// `InferenceError` naming it.
    public convenience init(path: String, adapters: [(adapter: LoRAAdapter, scale: Float)] = []) throws(InferenceError) {
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw .model(.file(error))
        }
        try self.init(file: file, adapters: adapters)
    }

    /// Builds the model from an opened file and applies `adapters`; every problem is
    /// an `InferenceError` naming it (an adapter that does not fit the model is an
    /// `.invalidArgument` carrying the adapter's error message).
    public init(file: GGUFFile, adapters: [(adapter: LoRAAdapter, scale: Float)] = []) throws(InferenceError) {
        self.file = file
        do {
            config = try ModelConfig(file: file)
        } catch {
            throw .model(error)
        }
        do {
            tokenizer = try Tokenizer(file: file)
        } catch {
            throw .tokenizer(error)
        }
        guard tokenizer.vocabulary.count == config.vocabularySize else {
            throw .model(.invalidHyperparameter(
                key: "\(config.architecture).vocab_size",
                reason: "\(config.vocabularySize) differs from the \(tokenizer.vocabulary.count) tokens of the tokenizer"))
        }
        chatTemplate = ChatTemplate(file: file)
        transformer = try Transformer(file: file, config: config)
        for (adapter, scale) in adapters {
            guard adapter.architecture == config.architecture else {
                throw .invalidArgument(LoRAAdapterError.architectureMismatch(
                    path: adapter.path ?? "(in memory)", adapter: adapter.architecture, model: config.architecture).description)
            }
            guard scale.isFinite else {
                throw .invalidArgument("the scale of LoRA adapter '\(adapter.path ?? "(in memory)")' is \(scale); it must be finite")
            }
            do {
                try transformer.weights.attach(adapter, scale: scale)
            } catch {
                throw .invalidArgument(error.description)
            }
        }
        self.adapters = adapters.map { AppliedAdapter($0.adapter, scale: $0.scale) }
        adapterFingerprint = adapters.reduce(0) { hash, applied in
            applied.adapter.fingerprint(scale: applied.scale, seed: hash)
        }
    }

    /// The default context: the model's own, capped to keep the KV cache modest.
    public var defaultContextLength: Int { min(config.contextLength, 4096) }

    /// The tokens of `messages` laid out by the chat template (special-token text read
    /// as those tokens; the beginning-of-sequence token added unless the template
    /// writes it).
    public func chatTokens(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> [TokenID] {
        tokenizer.encode(
            chatTemplate.render(messages, addGenerationPrompt: addGenerationPrompt),
            addSpecial: !chatTemplate.rendersBeginOfSequence, parseSpecial: true)
    }

    /// A fresh session with an empty KV cache of `contextLength` positions.
    public func makeSession(contextLength: Int? = nil) throws(InferenceError) -> InferenceSession {
        try InferenceSession(model: self, contextLength: contextLength ?? defaultContextLength)
    }
}
