/// Text taken from a model file (a key, a tensor or architecture name, a token) as it
/// may be shown in an error message or a report: a hostile file must not be able to
/// drive the terminal (ESC sequences), reorder what is shown (right-to-left and other
/// bidirectional controls), hide characters (zero-width marks) or flood the screen.
enum FileText {
    /// Longest text shown, in characters; longer text ends in "…".
    static let maximumLength = 200

    /// `text` with every control, format and separator character written as `\u{…}`
    /// (a backslash as `\\`, so an escape cannot be forged), cut to `maximumLength`.
    static func escaped(_ text: String) -> String {
        var result = ""
        var shown = 0
        for scalar in text.unicodeScalars {
            if shown == maximumLength {
                result += "…"
                break
            }
            shown += 1
            if scalar == "\\" {
                result += "\\\\"
            } else if needsEscape(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// C0 and C1 controls, DEL, format characters (bidirectional marks and
    /// overrides, zero-width joiners, the byte-order mark…), line and paragraph
    /// separators, and unassigned or private-use code points.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .privateUse, .surrogate:
            return true
        default:
            return false
        }
    }
}

extension String {
    /// This text from a model file, safe to print (see `FileText.escaped`).
    var escapedForDisplay: String { FileText.escaped(self) }
}
