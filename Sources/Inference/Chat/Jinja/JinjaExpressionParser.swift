/// Reads expressions from a tag's tokens, with Jinja's precedence: conditional,
/// `or`, `and`, `not`, comparisons, `+ -`, `~`, `* / // %`, `**`, unary minus, then
/// filters and tests, then attributes, items and calls.
struct JinjaExpressionParser {
    private let tokens: [JinjaToken]
    private let line: Int
    private var index = 0

    init(_ tokens: [JinjaToken], line: Int) {
        self.tokens = tokens
        self.line = line
    }

    var atEnd: Bool { index >= tokens.count }

    func expectEnd() throws {
        if index < tokens.count { throw error("unexpected \(describe(tokens[index]))") }
    }

    private func error(_ what: String) -> JinjaError { .syntax(what, line: line) }

    private func describe(_ token: JinjaToken) -> String {
        switch token {
        case .name(let name): return "'\(name)'"
        case .string(let value): return "string '\(value)'"
        case .int(let value): return "\(value)"
        case .double(let value): return "\(value)"
        case .symbol(let symbol): return "'\(symbol)'"
        }
    }

    private var current: JinjaToken? { index < tokens.count ? tokens[index] : nil }

    func peekSymbol(_ symbol: String) -> Bool { current == .symbol(symbol) }

    private func peekName(_ name: String) -> Bool { current == .name(name) }

    mutating func consumeSymbol(_ symbol: String) -> Bool {
        guard peekSymbol(symbol) else { return false }
        index += 1
        return true
    }

    mutating func consumeName(_ name: String) -> Bool {
        guard peekName(name) else { return false }
        index += 1
        return true
    }

    mutating func expectSymbol(_ symbol: String) throws {
        guard consumeSymbol(symbol) else { throw error("expected '\(symbol)'\(current.map { ", found " + describe($0) } ?? " at the end")") }
    }

    mutating func expectName(_ name: String) throws {
        guard consumeName(name) else { throw error("expected '\(name)'\(current.map { ", found " + describe($0) } ?? " at the end")") }
    }

    mutating func name() throws -> String {
        guard case .name(let name)? = current else { throw error("expected a name") }
        index += 1
        return name
    }

    /// A `for`/`set` target: `x`, `a, b`, `(a, b)` or `ns.attribute`.
    mutating func target() throws -> JinjaTarget {
        let parenthesized = consumeSymbol("(")
        let first = try name()
        if consumeSymbol(".") { return .attribute(first, try name()) }
        var names = [first]
        while consumeSymbol(",") {
            if case .name? = current { names.append(try name()) } else { break }
        }
        if parenthesized { try expectSymbol(")") }
        return names.count == 1 && !parenthesized ? .name(first) : .names(names)
    }

    /// `(a, b=default, …)` of a macro or call block.
    mutating func parameters() throws -> [JinjaParameter] {
        try expectSymbol("(")
        var parameters: [JinjaParameter] = []
        while !consumeSymbol(")") {
            if !parameters.isEmpty { try expectSymbol(",") }
            if consumeSymbol(")") { break }
            let name = try name()
            var defaultValue: JinjaExpression?
            if consumeSymbol("=") { defaultValue = try expression() }
            parameters.append(JinjaParameter(name: name, defaultValue: defaultValue))
        }
        return parameters
    }

    /// An expression, or several separated by commas (a tuple), as `set` allows.
    mutating func expressionOrTuple() throws -> JinjaExpression {
        let first = try expression()
        guard peekSymbol(",") else { return first }
        var items = [first]
        while consumeSymbol(",") {
            if atEnd { break }
            items.append(try expression())
        }
        return .list(items)
    }

    mutating func expression(allowingConditional: Bool = true) throws -> JinjaExpression {
        var value = try orExpression()
        while allowingConditional, consumeName("if") {
            let condition = try orExpression()
            var otherwise: JinjaExpression?
            if consumeName("else") { otherwise = try expression() }
            value = .conditional(condition: condition, then: value, otherwise: otherwise)
        }
        return value
    }

    private mutating func orExpression() throws -> JinjaExpression {
        var value = try andExpression()
        while consumeName("or") { value = .logical("or", value, try andExpression()) }
        return value
    }

    private mutating func andExpression() throws -> JinjaExpression {
        var value = try notExpression()
        while consumeName("and") { value = .logical("and", value, try notExpression()) }
        return value
    }

    private mutating func notExpression() throws -> JinjaExpression {
        if consumeName("not") { return .unary("not", try notExpression()) }
        return try comparison()
    }

    private mutating func comparison() throws -> JinjaExpression {
        var value = try additive()
        while true {
            if case .symbol(let symbol)? = current, ["==", "!=", "<", ">", "<=", ">="].contains(symbol) {
                index += 1
                value = .binary(symbol, value, try additive())
            } else if consumeName("in") {
                value = .binary("in", value, try additive())
            } else if peekName("not"), index + 1 < tokens.count, tokens[index + 1] == .name("in") {
                index += 2
                value = .binary("not in", value, try additive())
            } else {
                return value
            }
        }
    }

    private mutating func additive() throws -> JinjaExpression {
        var value = try concatenation()
        while case .symbol(let symbol)? = current, symbol == "+" || symbol == "-" {
            index += 1
            value = .binary(symbol, value, try concatenation())
        }
        return value
    }

    private mutating func concatenation() throws -> JinjaExpression {
        var value = try multiplicative()
        while consumeSymbol("~") { value = .binary("~", value, try multiplicative()) }
        return value
    }

    private mutating func multiplicative() throws -> JinjaExpression {
        var value = try power()
        while case .symbol(let symbol)? = current, ["*", "/", "//", "%"].contains(symbol) {
            index += 1
            value = .binary(symbol, value, try power())
        }
        return value
    }

    private mutating func power() throws -> JinjaExpression {
        var value = try unary()
        while consumeSymbol("**") { value = .binary("**", value, try unary()) }
        return value
    }

    private mutating func unary(withFilters: Bool = true) throws -> JinjaExpression {
        var value: JinjaExpression
        if consumeSymbol("-") {
            value = .unary("-", try unary(withFilters: false))
        } else if consumeSymbol("+") {
            value = .unary("+", try unary(withFilters: false))
        } else {
            value = try primary()
        }
        value = try postfix(value)
        return withFilters ? try filtersAndTests(value) : value
    }

    private mutating func filtersAndTests(_ start: JinjaExpression) throws -> JinjaExpression {
        var value = start
        while true {
            if consumeSymbol("|") {
                let name = try dottedName()
                let arguments = peekSymbol("(") ? try callArguments() : JinjaCallArguments()
                value = .filter(value, name, arguments)
            } else if consumeName("is") {
                let negated = consumeName("not")
                let name = try testName()
                var arguments = JinjaCallArguments()
                if peekSymbol("(") {
                    arguments = try callArguments()
                } else if let argument = try testArgumentWithoutParentheses() {
                    arguments.positional = [argument]
                }
                value = .test(value, name, arguments, negated: negated)
            } else {
                return value
            }
            value = try postfix(value)
        }
    }

    private mutating func testName() throws -> String {
        // `is none`, `is true`, `is false` use keywords as test names.
        if case .name(let name)? = current { index += 1; return name }
        throw error("expected a test name after 'is'")
    }

    /// `x is divisibleby 3`: a test's one argument may follow without parentheses.
    private mutating func testArgumentWithoutParentheses() throws -> JinjaExpression? {
        switch current {
        case .string?, .int?, .double?: return try primary()
        case .name(let name)? where !["and", "or", "else", "if", "in", "not", "is"].contains(name):
            return try postfix(try primary())
        default: return nil
        }
    }

    private mutating func dottedName() throws -> String {
        var name = try self.name()
        while consumeSymbol(".") { name += "." + (try self.name()) }
        return name
    }

    mutating func callArguments() throws -> JinjaCallArguments {
        try expectSymbol("(")
        var arguments = JinjaCallArguments()
        var first = true
        while !consumeSymbol(")") {
            if !first { try expectSymbol(",") }
            first = false
            if consumeSymbol(")") { break }
            if case .name(let name)? = current, index + 1 < tokens.count, tokens[index + 1] == .symbol("=") {
                index += 2
                arguments.keywords.append((name, try expression()))
            } else {
                if !arguments.keywords.isEmpty { throw error("a positional argument follows a keyword argument") }
                arguments.positional.append(try expression())
            }
        }
        return arguments
    }

    private mutating func postfix(_ start: JinjaExpression) throws -> JinjaExpression {
        var value = start
        while true {
            if consumeSymbol(".") {
                if case .int(let position)? = current {
                    index += 1
                    value = .item(value, .literal(.int(position)))
                } else {
                    value = .attribute(value, try name())
                }
            } else if consumeSymbol("[") {
                value = try subscriptOrSlice(value)
            } else if peekSymbol("(") {
                value = .call(value, try callArguments())
            } else {
                return value
            }
        }
    }

    private mutating func subscriptOrSlice(_ object: JinjaExpression) throws -> JinjaExpression {
        var parts: [JinjaExpression?] = [nil]
        var isSlice = false
        while !consumeSymbol("]") {
            if consumeSymbol(":") {
                isSlice = true
                parts.append(nil)
                guard parts.count <= 3 else { throw error("a slice has at most two ':'") }
                continue
            }
            guard parts[parts.count - 1] == nil else { throw error("expected ']'") }
            parts[parts.count - 1] = try expression()
        }
        if !isSlice {
            guard let key = parts[0] else { throw error("empty subscript []") }
            return .item(object, key)
        }
        while parts.count < 3 { parts.append(nil) }
        return .slice(object, start: parts[0], stop: parts[1], step: parts[2])
    }

    private mutating func primary() throws -> JinjaExpression {
        guard let token = current else { throw error("an expression is missing") }
        index += 1
        switch token {
        case .string(let value): return .literal(.string(value))
        case .int(let value): return .literal(.int(value))
        case .double(let value): return .literal(.double(value))
        case .name(let name):
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(name)
            }
        case .symbol("("):
            if consumeSymbol(")") { return .list([]) }
            let first = try expression()
            if consumeSymbol(")") { return first }
            var items = [first]
            while consumeSymbol(",") {
                if peekSymbol(")") { break }
                items.append(try expression())
            }
            try expectSymbol(")")
            return .list(items)
        case .symbol("["):
            var items: [JinjaExpression] = []
            while !consumeSymbol("]") {
                if !items.isEmpty { try expectSymbol(",") }
                if consumeSymbol("]") { break }
                items.append(try expression())
            }
            return .list(items)
        case .symbol("{"):
            var pairs: [(JinjaExpression, JinjaExpression)] = []
            while !consumeSymbol("}") {
                if !pairs.isEmpty { try expectSymbol(",") }
                if consumeSymbol("}") { break }
                let key = try expression()
                try expectSymbol(":")
                pairs.append((key, try expression()))
            }
            return .dict(pairs)
        default:
            throw error("unexpected \(describe(token))")
        }
    }
}
