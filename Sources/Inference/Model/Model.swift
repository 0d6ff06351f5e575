/// A model ready to run: the mapped file, its hyper-parameters, tokenizer, chat
/// template and transformer.
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

    /// Loads the model at `path`; every problem is an `InferenceError` naming it.
    public convenience init(path: String) throws(InferenceError) {
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw .model(.file(error))
        }
        try self.init(file: file)
    }

    /// Builds the model from an opened file; every problem is an `InferenceError` naming it.
    public init(file: GGUFFile) throws(InferenceError) {
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
