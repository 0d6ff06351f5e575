extension Tokenizer {
    /// A one-line description: "byte-level BPE (smollm), 49152 tokens".
    public var summary: String {
        switch vocabulary.model {
        case .bytePairEncoding:
            return "byte-level BPE (\(vocabulary.preTokenizerName ?? "default")), \(vocabulary.count) tokens"
        case .sentencePiece:
            return "SentencePiece BPE, \(vocabulary.count) tokens"
        }
    }
}
