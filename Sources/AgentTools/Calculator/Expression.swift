/// A parsed expression: a tree whose nodes remember the column they came from,
/// so that an error found while computing can say where.
struct Expression: Sendable {
    indirect enum Kind: Sendable {
        case number(Rational)
        case constant(MathConstant)
        case negate(Expression)
        /// "15%": the operand divided by 100.
        case percent(Expression)
        case factorial(Expression)
        case binary(BinaryOperator, Expression, Expression)
        /// "80 + 15%" and "200 - 10%": the base changed by a percentage of itself,
        /// base × (1 ± rate), where `rate` is the percentage node (15% = 0.15).
        case percentChange(base: Expression, rate: Expression, increase: Bool)
        case call(MathFunction, [Expression])
    }

    let kind: Kind
    /// 1-based column of the operator, function name or literal.
    let column: Int

    init(_ kind: Kind, at column: Int) {
        self.kind = kind
        self.column = column
    }

    /// A percentage written as such ("15%", "-15%"), which "+", "-" and "of" treat specially.
    var isPercentage: Bool {
        switch kind {
        case .percent: return true
        case .negate(let operand): return operand.isPercentage
        default: return false
        }
    }
}

/// The binary operators, in the parser's precedence order: + − below × ÷ % (modulo),
/// below ^ (right-associative).
enum BinaryOperator: Sendable {
    case add, subtract, multiply, divide, modulo, power
}
