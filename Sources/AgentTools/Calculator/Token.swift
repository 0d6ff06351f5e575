/// One lexical unit of an expression, with where it was written.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A literal, already exact: "1,234.5" is 2469/2, "1e-3" is 1/1000.
        case number(Rational)
        /// A function, constant or keyword ("sqrt", "pi", "π", "of", "mod"), as written.
        case name(String)
        case plus, minus, times, divide, power
        /// "%": a percentage after an operand ("15%"), or modulo between operands
        /// ("10 % 3"); the parser decides from what follows.
        case percent
        case factorial
        /// "√", a prefix square root.
        case squareRoot
        /// "²" or "³", a postfix power.
        case superscript(Int)
        case leftParenthesis, rightParenthesis, comma
        case end
    }

    let kind: Kind
    /// The text as written (for messages).
    let text: String
    /// 1-based, in Unicode scalars.
    let column: Int

    /// Whether an operand has just ended, so an operator may follow
    /// (this is what makes "x" a multiplication sign in "24 x 78").
    var endsOperand: Bool {
        switch kind {
        case .number, .name, .rightParenthesis, .factorial, .percent, .superscript: return true
        default: return false
        }
    }
}
