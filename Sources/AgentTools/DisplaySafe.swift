extension String {
    /// This text with every character that could act on a terminal or reorder what is
    /// displayed written out as a Swift escape (a backslash, "u", the hex code in
    /// braces), so printing it can neither clear the screen, move the cursor, recolour
    /// the terminal nor flip the reading direction.
    ///
    /// Escaped: control characters (C0, DEL, C1, so ESC, BEL, CR, NUL…), the line and
    /// paragraph separators U+2028/U+2029, and format characters (bidirectional
    /// overrides and isolates such as U+202E, zero-width spaces, the BOM, tag
    /// characters); the joiners U+200C and U+200D stay, as scripts and emoji need them.
    /// Everything else, backslashes included, is left as it is.
    ///
    /// Use it wherever input we did not write is echoed to a person: error messages that
    /// quote the input, a server's header, a tool's output shown in a terminal.
    ///
    ///     "a\u{1B}[2Jb".escapingControlCharacters()               // #"a\u{1B}[2Jb"#
    ///     "one\ntwo\u{202E}".escapingControlCharacters(except: ["\n"])  // "one\ntwo" + #"\u{202E}"#
    ///
    /// - Parameter kept: characters to leave as they are, e.g. `["\n", "\t"]` for
    ///   multi-line text; by default every control character is escaped.
    public func escapingControlCharacters(except kept: Set<Unicode.Scalar> = []) -> String {
        guard unicodeScalars.contains(where: { Self.needsEscape($0) && !kept.contains($0) }) else { return self }
        var escaped = ""
        escaped.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            if Self.needsEscape(scalar), !kept.contains(scalar) {
                escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Whether `scalar` is escaped by `escapingControlCharacters`.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator:
            return true
        case .format:
            return scalar != "\u{200C}" && scalar != "\u{200D}"
        default:
            return false
        }
    }
}
