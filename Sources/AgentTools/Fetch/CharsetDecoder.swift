import Foundation

/// Turns a body's bytes into text. The encoding comes from a byte-order mark, else the
/// Content-Type charset, else (for HTML) a `<meta charset>` or `http-equiv` declaration
/// near the start, else UTF-8. Bytes that are invalid in the encoding become U+FFFD.
///
/// As browsers do, iso-8859-1, latin1 and us-ascii are read as windows-1252 (a superset
/// that gives the 0x80–0x9F bytes their typographic meaning).
enum CharsetDecoder {
    enum Encoding: Equatable {
        case utf8, windows1252, utf16LittleEndian, utf16BigEndian
    }

    static func decode(_ bytes: [UInt8], headerCharset: String?, isHTML: Bool) -> String {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return decode(bytes.dropFirst(3), as: .utf8) }
        if bytes.starts(with: [0xFF, 0xFE]) { return decode(bytes.dropFirst(2), as: .utf16LittleEndian) }
        if bytes.starts(with: [0xFE, 0xFF]) { return decode(bytes.dropFirst(2), as: .utf16BigEndian) }
        if let label = headerCharset, let encoding = encoding(named: label) { return decode(bytes[...], as: encoding) }
        if isHTML, let label = metaCharset(in: bytes), var encoding = encoding(named: label) {
            // A page whose declaration could be read as ASCII is not UTF-16 (HTML spec).
            if encoding != .utf8 && encoding != .windows1252 { encoding = .utf8 }
            return decode(bytes[...], as: encoding)
        }
        return decode(bytes[...], as: .utf8)
    }

    /// The encoding a charset label names, or nil for one we do not know.
    static func encoding(named label: String) -> Encoding? {
        switch label.lowercased() {
        case "utf-8", "utf8", "unicode-1-1-utf-8": .utf8
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
             "windows-1252", "cp1252", "x-cp1252", "us-ascii", "ascii", "ansi_x3.4-1968":
            .windows1252
        case "utf-16", "utf-16le", "utf16", "utf16le", "unicode": .utf16LittleEndian
        case "utf-16be", "utf16be": .utf16BigEndian
        default: nil
        }
    }

    static func decode(_ bytes: ArraySlice<UInt8>, as encoding: Encoding) -> String {
        switch encoding {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .windows1252:
            var text = String.UnicodeScalarView()
            for byte in bytes {
                let value = (0x80...0x9F).contains(byte) ? windows1252High[Int(byte) - 0x80] : UInt32(byte)
                text.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            }
            return String(text)
        case .utf16LittleEndian, .utf16BigEndian:
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var index = bytes.startIndex
            while index + 1 < bytes.endIndex {
                let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
                units.append(encoding == .utf16LittleEndian ? first | second << 8 : first << 8 | second)
                index += 2
            }
            return String(decoding: units, as: UTF16.self) + (index < bytes.endIndex ? "\u{FFFD}" : "")
        }
    }

    /// The charset a `<meta>` tag in the first 2 KB declares, lowercased.
    static func metaCharset(in bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(2048).map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }, as: UTF8.self).lowercased()
        var rest = head[...]
        while let meta = rest.range(of: "<meta") {
            let tag = rest[meta.upperBound...].prefix { $0 != ">" }
            rest = rest[meta.upperBound...]
            guard let found = tag.range(of: "charset") else { continue }
            var value = tag[found.upperBound...].drop { $0 == " " }
            guard value.first == "=" else { continue }
            value = value.dropFirst().drop { $0 == " " || $0 == "\"" || $0 == "'" }
            let label = value.prefix { !" \"';/>\t\n\r".contains($0) }
            if !label.isEmpty { return String(label) }
        }
        return nil
    }

    /// What windows-1252 maps 0x80...0x9F to (five unassigned bytes keep their value).
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
