/// A token id, as stored in GGUF vocabularies and fed to the model.
public typealias TokenID = Int32

/// What kind of token an entry of the vocabulary is (`tokenizer.ggml.token_type`).
public enum TokenKind: Int32, Sendable, Codable {
    /// The kinds, with their codes in `tokenizer.ggml.token_type`.
    case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6

    /// Tokens matched as a whole in the input text before ordinary tokenization.
    var isSpecial: Bool { self == .control || self == .userDefined || self == .unknown }
}

/// The vocabulary of a model: token texts, kinds, scores, merges and special ids,
/// read from `tokenizer.ggml.*` metadata.
public struct Vocabulary: Sendable {
    /// Which algorithm turns text into ids.
    public enum Model: String, Sendable, Codable {
        /// Byte-level BPE with merge ranks (`gpt2`: GPT-2, Llama 3, Qwen, SmolLM).
        case bytePairEncoding = "gpt2"
        /// SentencePiece BPE with scores and byte fallback (`llama`: Llama 2, Mistral, TinyLlama).
        case sentencePiece = "llama"
    }

    /// The tokenization algorithm.
    public let model: Model
    /// `tokenizer.ggml.pre`, the pre-tokenizer name (byte-level BPE only).
    public let preTokenizerName: String?
    /// Token texts, indexed by id.
    public let tokens: [String]
    /// Token kinds, indexed by id.
    public let kinds: [TokenKind]
    /// Token scores (SentencePiece merge priority), indexed by id; empty when absent.
    public let scores: [Float]
    /// BPE merges in rank order, each "left right".
    public let merges: [String]
    /// Id by the exact UTF-8 bytes of a token. (Not `[String: …]`: Swift compares
    /// strings by canonical equivalence, so "e\u{301}" would find the token "é".)
    let idsByBytes: [[UInt8]: TokenID]

    /// Id of the begin-of-sequence token (BOS), if any.
    public let beginOfSequence: TokenID?
    /// Id of the end-of-sequence token (EOS), if any.
    public let endOfSequence: TokenID?
    /// Id of the end-of-turn token (e.g. `<|eot_id|>`), if any.
    public let endOfTurn: TokenID?
    /// Id of the token that stands for unknown text, if any.
    public let unknown: TokenID?
    /// Id of the padding token, if any.
    public let padding: TokenID?
    /// Whether tokenizing with special tokens prepends BOS.
    public let addsBeginOfSequence: Bool
    /// Whether tokenizing with special tokens appends EOS.
    public let addsEndOfSequence: Bool
    /// Whether SentencePiece prefixes the text with a space.
    public let addsSpacePrefix: Bool

    /// Number of tokens.
    public var count: Int { tokens.count }

    /// Reads the vocabulary of `file`.
    public init(file: GGUFFile) throws(TokenizerError) {
        do {
            let modelName = try file.requiredString("tokenizer.ggml.model")
            guard let model = Model(rawValue: modelName) else { throw TokenizerError.unsupportedModel(modelName) }
            self.model = model
            guard let tokens = try file.stringArray("tokenizer.ggml.tokens") else {
                throw GGUFError.missingKey("tokenizer.ggml.tokens")
            }
            guard !tokens.isEmpty else { throw TokenizerError.inconsistentVocabulary("the token list is empty") }
            // Ids are 32-bit: a larger list (only a hostile file has one) cannot be numbered.
            guard tokens.count <= ModelConfig.Limits.vocabulary else {
                throw TokenizerError.inconsistentVocabulary(
                    "\(tokens.count) tokens, more than Ponder accepts (at most \(ModelConfig.Limits.vocabulary))")
            }
            self.tokens = tokens
            let rawKinds = try file.integerArray("tokenizer.ggml.token_type") ?? []
            guard rawKinds.isEmpty || rawKinds.count == tokens.count else {
                throw TokenizerError.inconsistentVocabulary(
                    "\(tokens.count) tokens but \(rawKinds.count) token types")
            }
            kinds = rawKinds.isEmpty
                ? Array(repeating: .normal, count: tokens.count)
                : rawKinds.map { TokenKind(rawValue: Int32(clamping: $0)) ?? .undefined }
            let scores = try file.floatArray("tokenizer.ggml.scores") ?? []
            guard scores.isEmpty || scores.count == tokens.count else {
                throw TokenizerError.inconsistentVocabulary("\(tokens.count) tokens but \(scores.count) scores")
            }
            self.scores = scores
            merges = try file.stringArray("tokenizer.ggml.merges") ?? []
            guard merges.count <= Int(Int32.max) else {
                throw TokenizerError.inconsistentVocabulary("\(merges.count) merges, more than ranks can number")
            }
            if model == .bytePairEncoding && merges.isEmpty {
                throw GGUFError.missingKey("tokenizer.ggml.merges")
            }
            // Later duplicates lose, as in llama.cpp, so the lowest id wins.
            var idsByBytes: [[UInt8]: TokenID] = [:]
            idsByBytes.reserveCapacity(tokens.count)
            for (id, text) in tokens.enumerated() where idsByBytes[Array(text.utf8)] == nil {
                idsByBytes[Array(text.utf8)] = TokenID(id)
            }
            self.idsByBytes = idsByBytes
            preTokenizerName = try file.string("tokenizer.ggml.pre")

            func specialID(_ key: String) throws -> TokenID? {
                guard let id = try file.integer(key) else { return nil }
                guard id >= 0 && id < tokens.count else {
                    throw TokenizerError.inconsistentVocabulary("\(key) is \(id), outside 0..<\(tokens.count)")
                }
                return TokenID(id)
            }
            beginOfSequence = try specialID("tokenizer.ggml.bos_token_id")
            endOfSequence = try specialID("tokenizer.ggml.eos_token_id")
            unknown = try specialID("tokenizer.ggml.unknown_token_id")
            padding = try specialID("tokenizer.ggml.padding_token_id")
            endOfTurn = try specialID("tokenizer.ggml.eot_token_id")
                ?? Self.endOfTurnTexts.lazy.compactMap { idsByBytes[Array($0.utf8)] }.first

            // Defaults follow the reference implementation: SentencePiece vocabularies
            // add BOS and a space prefix; Llama 3's byte-level vocabulary adds BOS.
            let preAddsBOS = model == .bytePairEncoding && preTokenizerName == "llama-bpe"
            addsBeginOfSequence = try file.bool("tokenizer.ggml.add_bos_token") ?? (model == .sentencePiece || preAddsBOS)
            addsEndOfSequence = try file.bool("tokenizer.ggml.add_eos_token") ?? false
            addsSpacePrefix = try file.bool("tokenizer.ggml.add_space_prefix") ?? (model == .sentencePiece)
        } catch let error as TokenizerError {
            throw error
        } catch let error as GGUFError {
            throw .file(error)
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }

    /// Texts that end an assistant turn in common chat formats, used when the file
    /// does not name an end-of-turn token.
    static let endOfTurnTexts = ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>"]

    /// The id of the token whose text is exactly `text` (byte for byte).
    public func id(for text: String) -> TokenID? {
        idsByBytes[Array(text.utf8)]
    }

    /// The id of the token whose text is exactly `bytes`.
    func id(forBytes bytes: [UInt8]) -> TokenID? {
        idsByBytes[bytes]
    }

    /// The kind of token `id`; `.undefined` for ids outside the vocabulary.
    public func kind(of id: TokenID) -> TokenKind {
        id >= 0 && Int(id) < kinds.count ? kinds[Int(id)] : .undefined
    }

    /// Tokens that end generation: EOS, end-of-turn and their kin.
    public var endOfGenerationTokens: Set<TokenID> {
        var set = Set([endOfSequence, endOfTurn].compactMap { $0 })
        for text in Self.endOfTurnTexts {
            if let id = id(for: text), kind(of: id) == .control { set.insert(id) }
        }
        return set
    }
}
