/// Byte-level BPE (GPT-2 style): a word's bytes start as one symbol each, and the
/// adjacent pair with the best (lowest) merge rank is merged until no pair has a rank.
struct BytePairEncoder: Sendable {
    /// Symbol of each byte value: the id of its single-scalar token.
    private let byteSymbols: [TokenID]
    /// Merge by packed (left, right) symbol pair: its rank and the merged symbol.
    private let merges: [UInt64: (rank: Int32, result: TokenID)]
    /// Symbols that merges produce but the vocabulary lacks, numbered from `vocabularySize`.
    private let extraSymbolBytes: [[UInt8]]
    private let vocabularySize: Int
    /// Llama 3 emits a word that is itself a token without merging (`ignore_merges`).
    private let wholeWordTokens: Vocabulary?

    init(vocabulary: Vocabulary) throws(TokenizerError) {
        vocabularySize = vocabulary.count
        var extras: [[UInt8]: TokenID] = [:]
        var extraBytes: [[UInt8]] = []
        func symbol(_ text: some StringProtocol) -> TokenID {
            let key = Array(text.utf8)
            if let id = vocabulary.id(forBytes: key) { return id }
            if let id = extras[key] { return id }
            let id = TokenID(vocabulary.count + extraBytes.count)
            extras[key] = id
            extraBytes.append(ByteLevelAlphabet.decode(String(text)))
            return id
        }
        byteSymbols = ByteLevelAlphabet.scalarForByte.map { symbol(String($0)) }
        var table: [UInt64: (rank: Int32, result: TokenID)] = [:]
        table.reserveCapacity(vocabulary.merges.count)
        for (rank, merge) in vocabulary.merges.enumerated() {
            // "left right": tokens never contain a raw space (it is "Ġ"), so split at the first one.
            guard let space = merge.firstIndex(of: " ") else {
                throw .inconsistentVocabulary("merge \(rank) '\(merge)' has no space between its halves")
            }
            let left = symbol(merge[..<space]), right = symbol(merge[merge.index(after: space)...])
            let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
            if table[key] == nil {
                table[key] = (Int32(rank), symbol(merge[..<space] + merge[merge.index(after: space)...]))
            }
        }
        merges = table
        extraSymbolBytes = extraBytes
        wholeWordTokens = vocabulary.preTokenizerName == "llama-bpe" || vocabulary.preTokenizerName == "llama3"
            ? vocabulary : nil
    }

    /// Appends the tokens of one pre-tokenized word (raw UTF-8 bytes) to `output`.
    func encode(_ word: [UInt8], into output: inout [TokenID]) {
        guard !word.isEmpty else { return }
        if let wholeWordTokens, let id = wholeWordTokens.id(for: ByteLevelAlphabet.encode(word)) {
            output.append(id)
            return
        }
        var symbols = word.map { byteSymbols[Int($0)] }
        var list = SymbolList(lengths: Array(repeating: 1, count: word.count))
        var queue = MergeQueue()
        func consider(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let key = UInt64(UInt32(bitPattern: symbols[left])) << 32 | UInt64(UInt32(bitPattern: symbols[right]))
            guard let merge = merges[key] else { return }
            queue.push(MergeCandidate(
                priority: Float(merge.rank), left: left, right: right,
                length: list.length[left] + list.length[right]))
        }
        for i in 1..<word.count { consider(i - 1, i) }
        while let candidate = queue.pop() {
            let (left, right) = (candidate.left, candidate.right)
            // Skip candidates made stale by an earlier merge of either side.
            guard list.length[left] > 0, list.length[right] > 0, list.next[left] == right,
                  list.length[left] + list.length[right] == candidate.length,
                  let merge = merges[UInt64(UInt32(bitPattern: symbols[left])) << 32
                      | UInt64(UInt32(bitPattern: symbols[right]))]
            else { continue }
            symbols[left] = merge.result
            list.merge(left, right)
            consider(list.previous[left], left)
            consider(left, list.next[left])
        }
        for i in list.live {
            let symbol = symbols[i]
            if Int(symbol) < vocabularySize {
                output.append(symbol)
            } else {
                // A merge result missing from the vocabulary: fall back to its bytes.
                for byte in extraSymbolBytes[Int(symbol) - vocabularySize] {
                    let id = byteSymbols[Int(byte)]
                    if Int(id) < vocabularySize { output.append(id) }
                }
            }
        }
    }
}
