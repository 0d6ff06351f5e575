import BigInt

/// Splits an expression into tokens.
///
/// Besides the usual operators it reads the ways people write arithmetic: − (U+2212)
/// and – (U+2013) for minus; ×, ·, ⋅ and "x" between operands for times; ÷; ** for ^;
/// √, ², ³; π. Numbers may have a decimal point, an exponent ("1.5e3") and, outside a
/// function's argument list, thousands separators ("1,234,567": a comma followed by
/// exactly three digits, after a first group of one to three). Inside "max(1,234)"
/// commas separate arguments. One trailing "=" is ignored ("24*78 =").
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var tokens: [Token] = []
    /// For each open parenthesis, whether it opened a function's argument list.
    private var openParentheses: [Bool] = []
    private let maximumExponent: Int

    /// The tokens of `text`, ending with an `.end` token.
    static func tokenize(_ text: String, maximumExponent: Int) throws(CalculatorError) -> [Token] {
        var lexer = Lexer(scalars: Array(text.unicodeScalars), maximumExponent: maximumExponent)
        try lexer.run()
        return lexer.tokens
    }

    private init(scalars: [Unicode.Scalar], maximumExponent: Int) {
        self.scalars = scalars
        self.maximumExponent = maximumExponent
    }

    private mutating func run() throws(CalculatorError) {
        while index < scalars.count {
            let scalar = scalars[index]
            let column = index + 1
            if scalar.properties.isWhitespace {
                index += 1
            } else if isDigit(scalar) || (scalar == "." && isDigit(peek(1))) {
                try readNumber()
            } else if scalar == "π" {
                emit(.name("π"), length: 1)
            } else if isLetter(scalar) {
                if (scalar == "x" || scalar == "X") && !isLetter(peek(1)) && tokens.last?.endsOperand == true {
                    emit(.times, length: 1)
                } else {
                    readName()
                }
            } else if scalar == "=" && scalars[(index + 1)...].allSatisfy(\.properties.isWhitespace) && !tokens.isEmpty {
                index = scalars.count
            } else {
                guard let kind = symbol(scalar) else {
                    throw CalculatorError(.unexpectedCharacter(Character(scalar)), at: column)
                }
                if kind == .leftParenthesis {
                    openParentheses.append(opensArguments)
                } else if kind == .rightParenthesis {
                    _ = openParentheses.popLast()
                }
                emit(kind, length: kind == .power && scalar == "*" ? 2 : 1)
            }
        }
        tokens.append(Token(kind: .end, text: "", column: scalars.count + 1))
    }

    /// Whether a "(" here opens a function's argument list (after "max", not after "of" or "pi").
    private var opensArguments: Bool {
        guard case .name(let name) = tokens.last?.kind else { return false }
        return MathFunction(name: name.lowercased()) != nil
    }

    /// The token a one-character operator stands for ("**" is handled here too).
    private func symbol(_ scalar: Unicode.Scalar) -> Token.Kind? {
        switch scalar {
        case "+": return .plus
        case "-", "\u{2212}", "\u{2013}": return .minus
        case "*": return peek(1) == "*" ? .power : .times
        case "×", "·", "\u{22C5}": return .times
        case "/", "÷": return .divide
        case "^": return .power
        case "%": return .percent
        case "!": return .factorial
        case "√": return .squareRoot
        case "²": return .superscript(2)
        case "³": return .superscript(3)
        case "(": return .leftParenthesis
        case ")": return .rightParenthesis
        case ",": return .comma
        default: return nil
        }
    }

    private mutating func emit(_ kind: Token.Kind, length: Int) {
        tokens.append(Token(kind: kind, text: text(from: index, to: index + length), column: index + 1))
        index += length
    }

    private mutating func readName() {
        let start = index
        index += 1
        while isLetter(peek(0)) || isDigit(peek(0)) { index += 1 }
        let name = text(from: start, to: index)
        tokens.append(Token(kind: .name(name), text: name, column: start + 1))
    }

    /// Reads digits with optional thousands separators, fraction and exponent, exactly.
    private mutating func readNumber() throws(CalculatorError) {
        let start = index
        var digits = readDigits()
        let insideArguments = openParentheses.last ?? false
        if !insideArguments && (1...3).contains(digits.count) {
            while peek(0) == "," && isDigit(peek(1)) && isDigit(peek(2)) && isDigit(peek(3)) && !isDigit(peek(4)) {
                index += 1
                digits += readDigits()
            }
        }
        var fractionDigits = 0
        if peek(0) == "." {
            index += 1
            let fraction = readDigits()
            digits += fraction
            fractionDigits = fraction.count
            if peek(0) == "." && isDigit(peek(1)) {
                index += 1
                _ = readDigits()
                throw CalculatorError(.malformedNumber(text(from: start, to: index)), at: start + 1)
            }
        }
        var exponent = 0
        if peek(0) == "e" || peek(0) == "E" {
            let hasSign = peek(1) == "+" || peek(1) == "-"
            if isDigit(peek(hasSign ? 2 : 1)) {
                index += hasSign ? 2 : 1
                let exponentDigits = readDigits()
                let magnitude = exponentDigits.count > 9 ? Int.max : Int(exponentDigits) ?? Int.max
                guard magnitude <= maximumExponent else {
                    throw CalculatorError(.literalExponentTooLarge(text(from: start, to: index)), at: start + 1)
                }
                exponent = scalars[index - exponentDigits.count - 1] == "-" ? -magnitude : magnitude
            }
        }
        let mantissa = BigInt(digits.isEmpty ? "0" : digits) ?? 0
        let scale = exponent - fractionDigits
        let value = scale >= 0
            ? Rational(mantissa * BigInt(10).power(scale))
            : Rational(mantissa, BigInt(10).power(-scale))
        tokens.append(Token(kind: .number(value), text: text(from: start, to: index), column: start + 1))
    }

    private mutating func readDigits() -> String {
        var digits = ""
        while isDigit(peek(0)) {
            digits.unicodeScalars.append(scalars[index])
            index += 1
        }
        return digits
    }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private func text(from start: Int, to end: Int) -> String {
        var string = ""
        string.unicodeScalars.append(contentsOf: scalars[start..<min(end, scalars.count)])
        return string
    }

    private func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return ("0"..."9").contains(scalar)
    }

    private func isLetter(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
