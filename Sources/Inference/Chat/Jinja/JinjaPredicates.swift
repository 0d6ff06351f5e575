extension JinjaInterpreter {
    /// `value is name(arguments)`.
    func applyTest(_ name: String, to value: JinjaValue, _ arguments: JinjaArguments, line: Int) throws -> Bool {
        let argument = arguments.positional.first ?? .undefined("the test '\(name)' needs an argument")
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": return value.isNone
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "string": if case .string = value { return true } else { return false }
        case "mapping": if case .dict = value { return true } else { return false }
        case "number":
            switch value {
            case .int, .double: return true
            default: return false
            }
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "sequence", "iterable":
            switch value {
            case .list, .string, .dict: return true
            default: return false
            }
        case "callable": if case .function = value { return true } else { return false }
        case "even", "odd":
            guard case .int(let number) = value else { throw JinjaError.render("\(name) needs an integer", line: line) }
            return (number % 2 == 0) == (name == "even")
        case "divisibleby":
            guard case .int(let number) = value, case .int(let divisor) = argument, divisor != 0 else {
                throw JinjaError.render("divisibleby needs integers", line: line)
            }
            return number % divisor == 0
        case "eq", "equalto", "==": return value.pythonEquals(argument)
        case "ne", "!=": return !value.pythonEquals(argument)
        case "lt", "<", "lessthan": return try compare(value, argument, line: line) < 0
        case "le", "<=": return try compare(value, argument, line: line) <= 0
        case "gt", ">", "greaterthan": return try compare(value, argument, line: line) > 0
        case "ge", ">=": return try compare(value, argument, line: line) >= 0
        case "in": return try contains(argument, value, line: line)
        case "sameas":
            switch (value, argument) {
            case (.none, .none): return true
            case (.bool(let a), .bool(let b)): return a == b
            case (.namespace(let a), .namespace(let b)): return a === b
            default: return false
            }
        case "lower": if case .string(let text) = value { return text == text.lowercased() } else { return false }
        case "upper": if case .string(let text) = value { return text == text.uppercased() } else { return false }
        default:
            throw JinjaError.render("no test named '\(name)'", line: line)
        }
    }
}
