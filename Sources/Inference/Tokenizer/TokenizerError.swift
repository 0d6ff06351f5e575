/// Problems building a tokenizer from a model's metadata.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's metadata is unreadable (missing or mistyped keys).
    case file(GGUFError)
    /// `tokenizer.ggml.model` names a tokenizer the engine does not implement.
    case unsupportedModel(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer the engine does not implement.
    case unsupportedPreTokenizer(String)
    /// The vocabulary contradicts itself (lengths differ, ids out of range, …).
    case inconsistentVocabulary(String)

    /// What went wrong, naming the unsupported part.
    public var description: String {
        switch self {
        case .file(let error):
            return error.description
        case .unsupportedModel(let name):
            return "unsupported tokenizer model '\(name.escapedForDisplay)' (supported: gpt2 byte-level BPE, llama SentencePiece)"
        case .unsupportedPreTokenizer(let name):
            return "unsupported pre-tokenizer '\(name.escapedForDisplay)' (supported: \(PreTokenizer.supportedNames.joined(separator: ", ")))"
        case .inconsistentVocabulary(let reason):
            return "inconsistent vocabulary: \(reason.escapedForDisplay)"
        }
    }
}
