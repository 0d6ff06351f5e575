/// Turns text into token ids and back, exactly as llama.cpp does for the same file.
///
/// Byte-level BPE vocabularies (`gpt2`) split text into words with the
/// pre-tokenizer their `tokenizer.ggml.pre` names, then merge bytes by rank;
/// SentencePiece vocabularies (`llama`) merge characters by score with byte fallback.
public struct Tokenizer: Sendable {
    /// The vocabulary this tokenizer uses.
    public let vocabulary: Vocabulary
    private let preTokenizer: PreTokenizer?
    private let bytePairEncoder: BytePairEncoder?
    private let sentencePieceEncoder: SentencePieceEncoder?
    private let specialTokens: SpecialTokenSplitter

    /// Builds the tokenizer described by `vocabulary`.
    public init(vocabulary: Vocabulary) throws(TokenizerError) {
        self.vocabulary = vocabulary
        switch vocabulary.model {
        case .bytePairEncoding:
            preTokenizer = try PreTokenizer(name: vocabulary.preTokenizerName)
            bytePairEncoder = try BytePairEncoder(vocabulary: vocabulary)
            sentencePieceEncoder = nil
        case .sentencePiece:
            preTokenizer = nil
            bytePairEncoder = nil
            sentencePieceEncoder = SentencePieceEncoder(vocabulary: vocabulary)
        }
        specialTokens = SpecialTokenSplitter(vocabulary: vocabulary)
    }

    /// Builds the tokenizer of a GGUF file.
    public init(file: GGUFFile) throws(TokenizerError) {
        try self.init(vocabulary: Vocabulary(file: file))
    }

    /// The token ids of `text`.
    /// - Parameters:
    ///   - addSpecial: add BOS/EOS where the vocabulary asks for them.
    ///   - parseSpecial: recognise control tokens written in the text (such as
    ///     `<|im_start|>`); otherwise they are tokenized as plain text.
    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [TokenID] {
        let bytes = Array(text.utf8)
        var output: [TokenID] = []
        output.reserveCapacity(bytes.count / 3 + 2)
        if addSpecial, vocabulary.addsBeginOfSequence, let bos = vocabulary.beginOfSequence {
            output.append(bos)
        }
        var previousWasSpecial = true
        for fragment in specialTokens.split(bytes, parseSpecial: parseSpecial) {
            switch fragment {
            case .token(let id):
                output.append(id)
                previousWasSpecial = true
            case .text(let range):
                if let sentencePieceEncoder {
                    // SentencePiece sees spaces as "▁", and text that starts the input or
                    // follows a special token gets a leading one.
                    let prefix: [UInt8] = vocabulary.addsSpacePrefix && previousWasSpecial ? [0x20] : []
                    let escaped = UTF8Replacement.replace(
                        UTF8Replacement.space, with: UTF8Replacement.lowerBlock, in: prefix + bytes[range])
                    sentencePieceEncoder.encode(String(decoding: escaped, as: UTF8.self), into: &output)
                } else if let preTokenizer, let bytePairEncoder {
                    let classified = ClassifiedText(String(decoding: bytes[range], as: UTF8.self))
                    for word in preTokenizer.split(classified) {
                        bytePairEncoder.encode(classified.utf8(word), into: &output)
                    }
                }
                previousWasSpecial = false
            }
        }
        if addSpecial, vocabulary.addsEndOfSequence, let eos = vocabulary.endOfSequence {
            output.append(eos)
        }
        return output
    }

    /// The bytes token `id` stands for. Control tokens give their text only when
    /// `special` is set; ids outside the vocabulary give nothing.
    public func piece(_ id: TokenID, special: Bool = false) -> [UInt8] {
        guard id >= 0 && Int(id) < vocabulary.count else { return [] }
        let text = vocabulary.tokens[Int(id)]
        switch vocabulary.kind(of: id) {
        case .userDefined:
            return Array(text.utf8)
        case .byte:
            if vocabulary.model == .sentencePiece, let byte = Self.byteTokenValue(text) { return [byte] }
            return ByteLevelAlphabet.decode(text)
        case .control, .unknown:
            return special ? Array(text.utf8) : []
        case .normal, .undefined, .unused:
            switch vocabulary.model {
            case .sentencePiece:
                return UTF8Replacement.replace(UTF8Replacement.lowerBlock, with: UTF8Replacement.space, in: text.utf8)
            case .bytePairEncoding: return ByteLevelAlphabet.decode(text)
            }
        }
    }

    /// The text of a sequence of ids; invalid UTF-8 is replaced with U+FFFD.
    public func decode(_ ids: [TokenID], special: Bool = false) -> String {
        var bytes: [UInt8] = []
        for id in ids { bytes.append(contentsOf: piece(id, special: special)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The byte of a SentencePiece byte token "<0xAB>".
    private static func byteTokenValue(_ text: String) -> UInt8? {
        guard text.hasPrefix("<0x"), text.hasSuffix(">"), text.utf8.count == 6 else { return nil }
        return UInt8(text.dropFirst(3).dropLast(), radix: 16)
    }
}

/// Byte-level replacement: working on UTF-8 bytes rather than `Character`s keeps
/// a space followed by a combining mark a space (as a grapheme it would not be).
enum UTF8Replacement {
    static let space: [UInt8] = [0x20]
    /// "▁" (U+2581), SentencePiece's visible space.
    static let lowerBlock: [UInt8] = [0xE2, 0x96, 0x81]

    static func replace(_ target: [UInt8], with replacement: [UInt8], in bytes: some Collection<UInt8>) -> [UInt8] {
        let source = Array(bytes)
        var result: [UInt8] = []
        result.reserveCapacity(source.count)
        var i = 0
        while i < source.count {
            if source[i] == target[0], i + target.count <= source.count,
               source[i..<(i + target.count)].elementsEqual(target) {
                result.append(contentsOf: replacement)
                i += target.count
            } else {
                result.append(source[i])
                i += 1
            }
        }
        return result
    }
}
