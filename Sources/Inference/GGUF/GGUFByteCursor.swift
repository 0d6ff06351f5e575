/// Reads little-endian values from a byte buffer, checking every read against its end.
///
/// `what` arguments name the field being read, so that a truncated file is reported
/// as "truncated: the value of key 'x' at byte 123 needs 8 bytes" rather than as a crash.
struct GGUFByteCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    mutating func require(_ count: Int, for what: @autoclosure () -> String) throws(GGUFError) {
        guard count >= 0, count <= remaining else {
            throw .truncated(what: what(), offset: offset, needed: count, fileSize: bytes.count)
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, for what: @autoclosure () -> String) throws(GGUFError) -> T {
        try require(MemoryLayout<T>.size, for: what())
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func readFloat(for what: @autoclosure () -> String) throws(GGUFError) -> Float {
        Float(bitPattern: try read(UInt32.self, for: what()))
    }

    mutating func readDouble(for what: @autoclosure () -> String) throws(GGUFError) -> Double {
        Double(bitPattern: try read(UInt64.self, for: what()))
    }

    /// A GGUF string: a 64-bit byte count, then UTF-8 bytes (not NUL-terminated).
    /// Invalid UTF-8 is repaired with U+FFFD rather than rejected.
    mutating func readString(for what: @autoclosure () -> String) throws(GGUFError) -> String {
        let length = try read(UInt64.self, for: what())
        guard length <= UInt64(remaining) else {
            throw .truncated(what: what(), offset: offset, needed: Int(clamping: length), fileSize: bytes.count)
        }
        let count = Int(length)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        offset += count
        return String(decoding: slice, as: UTF8.self)
    }

    mutating func skip(to newOffset: Int, for what: @autoclosure () -> String) throws(GGUFError) {
        try require(newOffset - offset, for: what())
        offset = newOffset
    }
}
