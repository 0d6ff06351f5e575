/// Cuts text at occurrences of special tokens (control, user-defined and unknown
/// tokens), which are matched as whole strings before ordinary tokenization.
///
/// Longer tokens are cut first, across the whole text, as the reference does; so of
/// two overlapping candidates the longer wins even if the shorter starts earlier.
struct SpecialTokenSplitter: Sendable {
    enum Fragment: Equatable {
        case text(Range<Int>)
        case token(TokenID)
    }

    private struct Special: Sendable {
        let bytes: [UInt8]
        let id: TokenID
        let kind: TokenKind
    }

    private let specials: [Special]

    init(vocabulary: Vocabulary) {
        specials = vocabulary.kinds.indices.compactMap { index -> Special? in
            let kind = vocabulary.kinds[index]
            let text = vocabulary.tokens[index]
            guard kind.isSpecial, !text.isEmpty else { return nil }
            return Special(bytes: Array(text.utf8), id: TokenID(index), kind: kind)
        }
        .sorted { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }
    }

    /// Splits `bytes` into text ranges and special tokens. User-defined tokens are
    /// always matched; control and unknown tokens only when `parseSpecial` is set.
    func split(_ bytes: [UInt8], parseSpecial: Bool) -> [Fragment] {
        var fragments: [Fragment] = bytes.isEmpty ? [] : [.text(0..<bytes.count)]
        for special in specials where parseSpecial || special.kind == .userDefined {
            var next: [Fragment] = []
            var changed = false
            for fragment in fragments {
                guard case .text(let range) = fragment else { next.append(fragment); continue }
                var start = range.lowerBound
                var position = range.lowerBound
                while position + special.bytes.count <= range.upperBound {
                    if bytes[position] == special.bytes[0]
                        && bytes[position..<(position + special.bytes.count)].elementsEqual(special.bytes) {
                        if start < position { next.append(.text(start..<position)) }
                        next.append(.token(special.id))
                        position += special.bytes.count
                        start = position
                        changed = true
                    } else {
                        position += 1
                    }
                }
                if start < range.upperBound { next.append(.text(start..<range.upperBound)) }
            }
            if changed { fragments = next }
        }
        return fragments
    }
}
