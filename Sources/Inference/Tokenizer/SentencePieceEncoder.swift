/// SentencePiece BPE as llama.cpp runs it on `llama` vocabularies: the text's
/// characters start as symbols, and the adjacent pair whose concatenation is the
/// highest-scoring token is merged until no pair forms a token. Characters that no
/// token covers fall back to byte tokens `<0xXX>`, or to the unknown token.
struct SentencePieceEncoder: Sendable {
    private let vocabulary: Vocabulary
    /// Token of each byte value, `<0x00>` … `<0xFF>`.
    private let byteTokens: [TokenID?]

    init(vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        byteTokens = (0..<256).map { byte in
            vocabulary.id(for: "<0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) + ">")
        }
    }

    /// Appends the tokens of `text` (spaces already escaped to "▁") to `output`.
    func encode(_ text: String, into output: inout [TokenID]) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return }
        var lengths: [Int] = []
        var offset = 0
        while offset < bytes.count {
            let length = min(Self.utf8Length(leadByte: bytes[offset]), bytes.count - offset)
            lengths.append(length)
            offset += length
        }
        var list = SymbolList(lengths: lengths)
        var queue = MergeQueue()
        func token(_ start: Int, _ length: Int) -> TokenID? {
            vocabulary.id(forBytes: Array(bytes[start..<(start + length)]))
        }
        func consider(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let length = list.length[left] + list.length[right]
            guard let id = token(list.start[left], length) else { return }
            let score = vocabulary.scores.isEmpty ? 0 : vocabulary.scores[Int(id)]
            queue.push(MergeCandidate(priority: -score, left: left, right: right, length: length))
        }
        for i in 1..<lengths.count { consider(i - 1, i) }
        while let candidate = queue.pop() {
            let (left, right) = (candidate.left, candidate.right)
            guard list.length[left] > 0, list.length[right] > 0,
                  list.length[left] + list.length[right] == candidate.length
            else { continue }
            list.merge(left, right)
            consider(list.previous[left], left)
            consider(left, list.next[left])
        }
        for i in list.live {
            if let id = token(list.start[i], list.length[i]) {
                output.append(id)
                continue
            }
            for byte in bytes[list.start[i]..<(list.start[i] + list.length[i])] {
                if let id = byteTokens[Int(byte)] ?? vocabulary.unknown { output.append(id) }
            }
        }
    }

    /// Bytes in the UTF-8 sequence a lead byte starts.
    static func utf8Length(leadByte: UInt8) -> Int {
        switch leadByte >> 4 {
        case 0xF: return 4
        case 0xE: return 3
        case 0xC, 0xD: return 2
        default: return 1
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
