/// Splits the inside of a `{{ … }}` or `{% … %}` tag into tokens.
struct JinjaTokenizer {
    private let characters: [Character]
    private let line: Int
    private var index = 0

    /// Longest first, so `**` is read before `*`.
    private static let symbols = ["//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=",
                                  ".", ",", ":", "|", "(", ")", "[", "]", "{", "}"]

    init(_ text: String, line: Int) {
        characters = Array(text)
        self.line = line
    }

    mutating func tokens() throws -> [JinjaToken] {
        var tokens: [JinjaToken] = []
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character == "'" || character == "\"" {
                let value = try string(quote: character)
                // Adjacent literals join, as in Python.
                if case .string(let previous)? = tokens.last {
                    tokens[tokens.count - 1] = .string(previous + value)
                } else {
                    tokens.append(.string(value))
                }
            } else if character.isASCII, character.isNumber {
                tokens.append(number())
            } else if character == "_" || character.isLetter {
                var name = ""
                while index < characters.count, characters[index] == "_" || characters[index].isLetter || characters[index].isNumber {
                    name.append(characters[index]); index += 1
                }
                tokens.append(.name(name))
            } else if let symbol = Self.symbols.first(where: { matches($0) }) {
                tokens.append(.symbol(symbol))
                index += symbol.count
            } else {
                throw JinjaError.syntax("unexpected character '\(character)'", line: line)
            }
        }
        return tokens
    }

    private func matches(_ symbol: String) -> Bool {
        let symbolCharacters = Array(symbol)
        guard index + symbolCharacters.count <= characters.count else { return false }
        return Array(characters[index..<index + symbolCharacters.count]) == symbolCharacters
    }

    private mutating func number() -> JinjaToken {
        var digits = ""
        var isFloat = false
        while index < characters.count {
            let character = characters[index]
            if character.isASCII, character.isNumber || character == "_" {
                if character != "_" { digits.append(character) }
            } else if character == ".", !isFloat, index + 1 < characters.count, characters[index + 1].isASCII, characters[index + 1].isNumber {
                isFloat = true
                digits.append(character)
            } else if character == "e" || character == "E", index + 1 < characters.count,
                      characters[index + 1].isNumber || ((characters[index + 1] == "-" || characters[index + 1] == "+") && index + 2 < characters.count && characters[index + 2].isNumber) {
                isFloat = true
                digits.append("e")
                index += 1
                digits.append(characters[index])
            } else {
                break
            }
            index += 1
        }
        if !isFloat, let value = Int(digits) { return .int(value) }
        return .double(Double(digits) ?? 0)
    }

    /// A quoted literal with Python's escapes.
    private mutating func string(quote: Character) throws -> String {
        index += 1
        var value = ""
        while index < characters.count {
            let character = characters[index]
            if character == quote {
                index += 1
                return value
            }
            if character == "\\", index + 1 < characters.count {
                index += 1
                let escaped = characters[index]
                switch escaped {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "0": value.append("\0")
                case "\\", "'", "\"": value.append(escaped)
                case "\n": break
                case "x", "u", "U":
                    let length = escaped == "x" ? 2 : (escaped == "u" ? 4 : 8)
                    let hex = String(characters[(index + 1)..<min(index + 1 + length, characters.count)])
                    guard hex.count == length, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                        throw JinjaError.syntax("malformed \\\(escaped) escape in a string", line: line)
                    }
                    value.unicodeScalars.append(scalar)
                    index += length
                default:
                    value.append("\\")
                    value.append(escaped)
                }
                index += 1
                continue
            }
            value.append(character)
            index += 1
        }
        throw JinjaError.syntax("a string is never closed with \(quote)", line: line)
    }
}
