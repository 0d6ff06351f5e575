import Foundation

extension JinjaInterpreter {
    /// A binary operator with Python's semantics.
    func binary(_ symbol: String, _ left: JinjaValue, _ right: JinjaValue, line: Int) throws -> JinjaValue {
        func typeError() -> JinjaError {
            .render("unsupported operand types for \(symbol): '\(left.typeName)' and '\(right.typeName)'", line: line)
        }
        switch symbol {
        case "~":
            return .string(left.pythonString + right.pythonString)
        case "==": return .bool(left.pythonEquals(right))
        case "!=": return .bool(!left.pythonEquals(right))
        case "<", ">", "<=", ">=":
            let order = try compare(left, right, line: line)
            switch symbol {
            case "<": return .bool(order < 0)
            case ">": return .bool(order > 0)
            case "<=": return .bool(order <= 0)
            default: return .bool(order >= 0)
            }
        case "in": return .bool(try contains(right, left, line: line))
        case "not in": return .bool(!(try contains(right, left, line: line)))
        case "+":
            switch (left, right) {
            case (.string(let a), .string(let b)): return .string(a + b)
            case (.list(let a), .list(let b)): return .list(a + b)
            default: return try arithmetic(left, right, ints: { $0.addingReportingOverflow($1).partialValue }, doubles: +, typeError)
            }
        case "-": return try arithmetic(left, right, ints: { $0.subtractingReportingOverflow($1).partialValue }, doubles: -, typeError)
        case "*":
            switch (left, right) {
            case (.string(let text), .int(let count)), (.int(let count), .string(let text)):
                return .string(String(repeating: text, count: max(count, 0)))
            case (.list(let items), .int(let count)), (.int(let count), .list(let items)):
                return .list(Array([[JinjaValue]](repeating: items, count: max(count, 0)).joined()))
            default: return try arithmetic(left, right, ints: { $0.multipliedReportingOverflow(by: $1).partialValue }, doubles: *, typeError)
            }
        case "/":
            guard let a = left.numericValue, let b = right.numericValue else { throw typeError() }
            guard b != 0 else { throw JinjaError.render("division by zero", line: line) }
            return .double(a / b)
        case "//", "%":
            if symbol == "%", case .string(let format) = left { return .string(try percentFormat(format, right, line: line)) }
            guard let a = left.numericValue, let b = right.numericValue else { throw typeError() }
            guard b != 0 else { throw JinjaError.render("integer division or modulo by zero", line: line) }
            if case .double = left { return .double(symbol == "//" ? (a / b).rounded(.down) : a - b * (a / b).rounded(.down)) }
            if case .double = right { return .double(symbol == "//" ? (a / b).rounded(.down) : a - b * (a / b).rounded(.down)) }
            let x = Int(a), y = Int(b)
            var quotient = x / y
            if x % y != 0, (x < 0) != (y < 0) { quotient -= 1 }
            return .int(symbol == "//" ? quotient : x - y * quotient)
        case "**":
            if case .int(let base) = left, case .int(let exponent) = right, exponent >= 0 {
                var result = 1
                for _ in 0..<exponent { result = result.multipliedReportingOverflow(by: base).partialValue }
                return .int(result)
            }
            guard let a = left.numericValue, let b = right.numericValue else { throw typeError() }
            return .double(pow(a, b))
        default:
            throw JinjaError.syntax("unknown operator \(symbol)", line: line)
        }
    }

    private func arithmetic(
        _ left: JinjaValue, _ right: JinjaValue, ints: (Int, Int) -> Int, doubles: (Double, Double) -> Double,
        _ typeError: () -> JinjaError
    ) throws -> JinjaValue {
        switch (left, right) {
        case (.int, .int), (.int, .bool), (.bool, .int), (.bool, .bool):
            return .int(ints(Int(left.numericValue!), Int(right.numericValue!)))
        default:
            guard let a = left.numericValue, let b = right.numericValue else { throw typeError() }
            return .double(doubles(a, b))
        }
    }

    /// Python's ordering of numbers, strings and lists: negative, zero or positive.
    func compare(_ left: JinjaValue, _ right: JinjaValue, line: Int) throws -> Int {
        switch (left, right) {
        case (.string(let a), .string(let b)):
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : (a == b ? 0 : 1)
        case (.list(let a), .list(let b)):
            for (x, y) in zip(a, b) {
                let order = try compare(x, y, line: line)
                if order != 0 { return order }
            }
            return a.count < b.count ? -1 : (a.count == b.count ? 0 : 1)
        default:
            guard let a = left.numericValue, let b = right.numericValue else {
                throw JinjaError.render("'<' not supported between '\(left.typeName)' and '\(right.typeName)'", line: line)
            }
            return a < b ? -1 : (a == b ? 0 : 1)
        }
    }

    /// Python's `needle in haystack`.
    func contains(_ haystack: JinjaValue, _ needle: JinjaValue, line: Int) throws -> Bool {
        switch haystack {
        case .string(let text):
            guard case .string(let part) = needle else {
                throw JinjaError.render("'in <string>' requires a string as left operand, not \(needle.typeName)", line: line)
            }
            return part.isEmpty || text.contains(part)
        case .list(let items): return items.contains { $0.pythonEquals(needle) }
        case .dict(let dict): return dict[needle] != nil
        case .namespace(let namespace): return namespace.attributes[needle] != nil
        case .undefined: return false
        default: throw JinjaError.render("argument of type '\(haystack.typeName)' is not iterable", line: line)
        }
    }

    /// `"%s … %d" % values`, for the conversions templates use.
    private func percentFormat(_ format: String, _ values: JinjaValue, line: Int) throws -> String {
        var arguments: [JinjaValue]
        if case .list(let items) = values { arguments = items } else { arguments = [values] }
        var result = ""
        var characters = Array(format)[...]
        while let character = characters.popFirst() {
            guard character == "%", let conversion = characters.popFirst() else {
                result.append(character)
                continue
            }
            if conversion == "%" { result.append("%"); continue }
            guard !arguments.isEmpty else { throw JinjaError.render("not enough arguments for format string", line: line) }
            let value = arguments.removeFirst()
            switch conversion {
            case "s": result += value.pythonString
            case "r": result += value.pythonRepr
            case "d", "i": result += String(Int(value.numericValue ?? 0))
            case "f": result += String(format: "%f", value.numericValue ?? 0)
            default: throw JinjaError.unsupported("the %\(conversion) conversion", line: line)
            }
        }
        return result
    }
}
