/// Turns a stream of token ids into text without ever emitting half a character.
///
/// A token may end in the middle of a UTF-8 sequence (byte tokens, or an emoji split
/// across tokens). The detokenizer holds back an incomplete trailing sequence until
/// the bytes that complete it arrive; bytes that can never form a character are
/// emitted as U+FFFD.
public struct StreamingDetokenizer: Sendable {
    private let tokenizer: Tokenizer
    private let special: Bool
    private var pending: [UInt8] = []

    /// - Parameter special: render control tokens as their text.
    public init(tokenizer: Tokenizer, special: Bool = false) {
        self.tokenizer = tokenizer
        self.special = special
    }

    /// Adds one token; returns the text that is now complete (possibly empty).
    public mutating func append(_ id: TokenID) -> String {
        append(bytes: tokenizer.piece(id, special: special))
    }

    /// Adds raw bytes; returns the text that is now complete (possibly empty).
    public mutating func append(bytes: [UInt8]) -> String {
        pending.append(contentsOf: bytes)
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Emits whatever is held back (as U+FFFD if incomplete) and resets.
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return pending.isEmpty ? "" : String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest prefix that does not end inside a UTF-8 sequence that
    /// could still be completed.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        // Only the last three bytes can belong to an unfinished sequence.
        var index = bytes.count - 1
        let lowest = max(0, bytes.count - 3)
        while index >= lowest {
            let byte = bytes[index]
            if byte & 0xC0 == 0x80 { index -= 1; continue }  // continuation byte
            let needed: Int
            switch byte {
            case 0xC2...0xDF: needed = 2
            case 0xE0...0xEF: needed = 3
            case 0xF0...0xF4: needed = 4
            default: return bytes.count  // ASCII or invalid lead: nothing to wait for
            }
            return bytes.count - index < needed ? index : bytes.count
        }
        return bytes.count
    }
}
