/// Text from a request made safe to show: characters that would act instead of
/// being seen are written as escapes (`\u{1B}`), so an error message that quotes a
/// client's value cannot drive a terminal (ESC sequences) or reorder what a reader
/// sees (right-to-left overrides, zero-width marks).
enum VisibleText {
    /// `text` with every control, format and line/paragraph-separator character
    /// written as `\u{HEX}`; everything else unchanged.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isInvisible) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if isInvisible(scalar) {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Cc (C0, DEL, C1), Cf (bidirectional marks and overrides, zero-width
    /// characters, the byte-order mark), Zl and Zp.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
