/// A recursive-descent parser from tokens to an `Expression`.
///
/// Grammar, loosest binding first:
///
///     expression := term (("+" | "-") term)*
///     term       := signed (("*" | "/" | "%" | "mod" | "of" | implicit) signed)*
///     signed     := ("-" | "+") signed | power
///     power      := postfix ("^" signed)?
///     postfix    := primary ("!" | "%" | "²" | "³")*
///     primary    := number | constant | function "(" arguments ")" | "(" expression ")" | "√" postfix
///
/// So ^ is right-associative and binds tighter than unary minus (-2^2 = -4, 2^-1 = 0.5),
/// and the postfix operators bind tightest (-3! = -6, 2^3! = 64). Implicit
/// multiplication ("2pi", "2(3+4)", "(1+2)(3+4)", "2√2") is a multiplication at the
/// same level as "*": 1/2pi is (1/2)·π. It never joins two numbers: "2 3" is an error.
///
/// A "%" is a percentage when no operand follows it ("50%", "15% of 80", "50% + 1"),
/// and modulo when one does ("10 % 3", "10 % (2+1)"); so "10 % -3" is 10% minus 3.
///
/// Every level of nesting (parentheses, arguments, signs, exponents, √) is counted, and
/// going deeper than the limit is an error rather than a stack overflow.
struct Parser {
    private let tokens: [Token]
    private var position = 0
    private var depth = 0
    private let maximumDepth: Int

    /// The expression the tokens spell; the tokens end with `.end`.
    static func parse(_ tokens: [Token], maximumDepth: Int) throws(CalculatorError) -> Expression {
        var parser = Parser(tokens: tokens, maximumDepth: maximumDepth)
        if parser.current.kind == .end { throw CalculatorError(.emptyExpression) }
        let expression = try parser.parseExpression()
        if parser.current.kind != .end { throw parser.unexpected(parser.current) }
        return expression
    }

    private init(tokens: [Token], maximumDepth: Int) {
        self.tokens = tokens
        self.maximumDepth = maximumDepth
    }

    private var current: Token { tokens[position] }
    private var next: Token { tokens[min(position + 1, tokens.count - 1)] }

    private mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    private mutating func parseExpression() throws(CalculatorError) -> Expression {
        var left = try parseTerm()
        while current.kind == .plus || current.kind == .minus {
            let operation = current
            advance()
            let right = try parseTerm()
            let increase = operation.kind == .plus
            if right.isPercentage {
                left = Expression(.percentChange(base: left, rate: right, increase: increase), at: operation.column)
            } else {
                left = Expression(.binary(increase ? .add : .subtract, left, right), at: operation.column)
            }
        }
        return left
    }

    private mutating func parseTerm() throws(CalculatorError) -> Expression {
        var left = try parseSigned()
        while true {
            let operation: BinaryOperator
            let column = current.column
            switch current.kind {
            case .times:
                operation = .multiply
                advance()
            case .divide:
                operation = .divide
                advance()
            case .percent:
                operation = .modulo
                advance()
            case .name(let name) where name.lowercased() == "mod":
                operation = .modulo
                advance()
            case .name(let name) where name.lowercased() == "of":
                guard left.isPercentage else { throw CalculatorError(.ofWithoutPercentage, at: column) }
                operation = .multiply
                advance()
            case .name, .leftParenthesis, .squareRoot:
                operation = .multiply
            default:
                return left
            }
            let right = try parseSigned()
            left = Expression(.binary(operation, left, right), at: column)
        }
    }

    private mutating func parseSigned() throws(CalculatorError) -> Expression {
        guard current.kind == .minus || current.kind == .plus else { return try parsePower() }
        let sign = current
        advance()
        try enterLevel(at: sign.column)
        defer { depth -= 1 }
        let operand = try parseSigned()
        return sign.kind == .minus ? Expression(.negate(operand), at: sign.column) : operand
    }

    private mutating func parsePower() throws(CalculatorError) -> Expression {
        let base = try parsePostfix()
        guard current.kind == .power else { return base }
        let operation = current
        advance()
        try enterLevel(at: operation.column)
        defer { depth -= 1 }
        let exponent = try parseSigned()
        return Expression(.binary(.power, base, exponent), at: operation.column)
    }

    private mutating func parsePostfix() throws(CalculatorError) -> Expression {
        var operand = try parsePrimary()
        while true {
            let column = current.column
            switch current.kind {
            case .factorial:
                operand = Expression(.factorial(operand), at: column)
            case .superscript(let exponent):
                operand = Expression(.binary(.power, operand, Expression(.number(Rational(exponent)), at: column)), at: column)
            case .percent where !startsOperand(next):
                operand = Expression(.percent(operand), at: column)
            default:
                return operand
            }
            advance()
        }
    }

    private mutating func parsePrimary() throws(CalculatorError) -> Expression {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return Expression(.number(value), at: token.column)
        case .name(let name):
            return try parseName(name, at: token.column)
        case .leftParenthesis:
            advance()
            try enterLevel(at: token.column)
            defer { depth -= 1 }
            let inner = try parseExpression()
            try expectClosingParenthesis()
            return inner
        case .squareRoot:
            advance()
            try enterLevel(at: token.column)
            defer { depth -= 1 }
            let operand = try parsePostfix()
            return Expression(.call(.sqrt, [operand]), at: token.column)
        case .end:
            throw CalculatorError(.unexpectedEnd)
        default:
            throw unexpected(token)
        }
    }

    /// A constant, or a function call with its arguments.
    private mutating func parseName(_ name: String, at column: Int) throws(CalculatorError) -> Expression {
        let key = name.lowercased()
        if let constant = MathConstant(name: key) {
            advance()
            return Expression(.constant(constant), at: column)
        }
        guard let function = MathFunction(name: key) else {
            if key == "of" || key == "mod" { throw unexpected(current) }
            if next.kind == .leftParenthesis {
                throw CalculatorError(.unknownFunction(name, suggestion: NameSuggestions.closest(to: key, among: MathFunction.allNames)), at: column)
            }
            throw CalculatorError(.unknownName(name, suggestion: NameSuggestions.closest(to: key, among: MathConstant.allNames + MathFunction.allNames)), at: column)
        }
        advance()
        guard current.kind == .leftParenthesis else {
            throw CalculatorError(.missingParentheses(function: function.name), at: column)
        }
        let open = current
        advance()
        try enterLevel(at: open.column)
        defer { depth -= 1 }
        var arguments: [Expression] = []
        if current.kind != .rightParenthesis {
            arguments.append(try parseExpression())
            while current.kind == .comma {
                advance()
                arguments.append(try parseExpression())
            }
        }
        try expectClosingParenthesis()
        guard function.arity.contains(arguments.count) else {
            throw CalculatorError(.wrongArgumentCount(function: function.name, expected: function.arityDescription, got: arguments.count), at: column)
        }
        return Expression(.call(function, arguments), at: column)
    }

    private mutating func expectClosingParenthesis() throws(CalculatorError) {
        switch current.kind {
        case .rightParenthesis: advance()
        case .end: throw CalculatorError(.missingClosingParenthesis)
        default: throw unexpected(current)
        }
    }

    /// Whether `token` can begin an operand (so a "%" before it is modulo).
    private func startsOperand(_ token: Token) -> Bool {
        switch token.kind {
        case .number, .leftParenthesis, .squareRoot: return true
        case .name(let name): return !["of", "mod"].contains(name.lowercased())
        default: return false
        }
    }

    private mutating func enterLevel(at column: Int) throws(CalculatorError) {
        depth += 1
        if depth > maximumDepth { throw CalculatorError(.nestingTooDeep(limit: maximumDepth), at: column) }
    }

    private func unexpected(_ token: Token) -> CalculatorError {
        token.kind == .end ? CalculatorError(.unexpectedEnd) : CalculatorError(.unexpectedToken(token.text), at: token.column)
    }
}
