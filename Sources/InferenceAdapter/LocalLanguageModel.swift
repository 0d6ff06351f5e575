import Agent
import Dispatch
import Inference
import Synchronization

/// The local engine as a planner's `LanguageModel`: a loaded GGUF model whose
/// sessions run on a serial queue of their own (never on the cooperative pool).
public final class LocalLanguageModel: LanguageModel {
    /// The loaded model.
    public let model: Model
    /// The name reports give the model, e.g. its file's name.
    public let name: String
    /// Positions per session.
    public let contextLength: Int
    /// Where the system prompt's evaluated state is kept between runs; nil: not kept.
    public let promptCache: PromptCache?
    /// One forward pass at a time: sessions share the model's worker threads.
    let queue = DispatchQueue(label: "ponder.inference", qos: .userInitiated)
    private let vocabularyCache = Mutex<TokenVocabulary?>(nil)

    /// Wraps `model`; `contextLength` defaults to the model's own default.
    public init(model: Model, name: String, contextLength: Int? = nil, promptCache: PromptCache? = PromptCache()) {
        self.model = model
        self.name = name
        self.contextLength = contextLength ?? model.defaultContextLength
        self.promptCache = promptCache
    }

    /// Hermes-style calls when the chat template declares tools that way (Qwen 2.5,
    /// Hermes); otherwise nil, and the planner teaches inline markers by example.
    public var nativeToolCallFormat: ToolCallFormat? {
        guard let source = model.chatTemplate.source else { return nil }
        return source.contains(HermesToolCall.opening) ? .hermes : nil
    }

    /// The text of each token (built on first use).
    public var vocabulary: TokenVocabulary? {
        vocabularyCache.withLock { cached in
            if let cached { return cached }
            let tokenizer = model.tokenizer
            let pieces: [String?] = (0..<Int32(tokenizer.vocabulary.count)).map { id in
                switch tokenizer.vocabulary.kind(of: id) {
                case .control, .unknown, .unused: return nil
                default: return String(validating: tokenizer.piece(id), as: UTF8.self)
                }
            }
            let built = TokenVocabulary(pieces: pieces)
            cached = built
            return built
        }
    }

    /// A new, empty session of `contextLength` positions.
    public func makeSession() async throws -> any LanguageModelSession {
        // The KV cache is paged: making a session allocates nothing large.
        LocalSession(owner: self, inference: try model.makeSession(contextLength: contextLength))
    }

    /// Runs `work` on the model's queue and waits for it without blocking a
    /// cooperative thread.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
