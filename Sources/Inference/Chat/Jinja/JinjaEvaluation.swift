extension JinjaInterpreter {
    /// The value of `expression` in `scope`.
    func evaluate(_ expression: JinjaExpression, _ scope: JinjaScope, line: Int) throws -> JinjaValue {
        switch expression {
        case .literal(let value):
            return value
        case .name(let name):
            return scope.lookup(name) ?? globals[name] ?? .undefined("'\(name)' is undefined")
        case .list(let items):
            return .list(try items.map { try evaluate($0, scope, line: line) })
        case .dict(let pairs):
            var dict = JinjaDict()
            for (key, value) in pairs { dict[try evaluate(key, scope, line: line)] = try evaluate(value, scope, line: line) }
            return .dict(dict)
        case .attribute(let object, let name):
            return try attribute(name, of: try evaluate(object, scope, line: line), line: line)
        case .item(let object, let key):
            return try item(try evaluate(key, scope, line: line), of: try evaluate(object, scope, line: line), line: line)
        case .slice(let object, let start, let stop, let step):
            let bounds = try [start, stop, step].map { try $0.map { try evaluate($0, scope, line: line) } }
            return try slice(try evaluate(object, scope, line: line), bounds[0], bounds[1], bounds[2], line: line)
        case .call(let callee, let arguments):
            let function = try evaluate(callee, scope, line: line)
            guard case .function(let callable) = function else {
                if case .undefined(let why) = function { throw JinjaError.render(why, line: line) }
                throw JinjaError.render("a \(function.typeName) cannot be called", line: line)
            }
            let evaluated = try evaluateArguments(arguments, scope, line: line)
            do {
                return try callable.call(evaluated, self)
            } catch JinjaMethodError.badArgument(let why) {
                throw JinjaError.render("\(callable.name): \(why)", line: line)
            }
        case .filter(let value, let name, let arguments):
            return try applyFilter(name, to: try evaluate(value, scope, line: line), try evaluateArguments(arguments, scope, line: line), line: line)
        case .test(let value, let name, let arguments, let negated):
            let result = try applyTest(name, to: try evaluate(value, scope, line: line), try evaluateArguments(arguments, scope, line: line), line: line)
            return .bool(result != negated)
        case .unary(let symbol, let operand):
            let value = try evaluate(operand, scope, line: line)
            switch symbol {
            case "not": return .bool(!value.isTruthy)
            case "-":
                switch value {
                case .int(let number): return .int(-number)
                case .double(let number): return .double(-number)
                case .bool(let flag): return .int(flag ? -1 : 0)
                default: throw JinjaError.render("bad operand type for unary -: '\(value.typeName)'", line: line)
                }
            default: return value
            }
        case .binary(let symbol, let left, let right):
            return try binary(symbol, try evaluate(left, scope, line: line), try evaluate(right, scope, line: line), line: line)
        case .logical(let symbol, let left, let right):
            let first = try evaluate(left, scope, line: line)
            if symbol == "and" { return first.isTruthy ? try evaluate(right, scope, line: line) : first }
            return first.isTruthy ? first : try evaluate(right, scope, line: line)
        case .conditional(let condition, let then, let otherwise):
            if try evaluate(condition, scope, line: line).isTruthy { return try evaluate(then, scope, line: line) }
            guard let otherwise else { return .undefined("the condition was false and there is no else") }
            return try evaluate(otherwise, scope, line: line)
        }
    }

    func evaluateArguments(_ arguments: JinjaCallArguments, _ scope: JinjaScope, line: Int) throws -> JinjaArguments {
        JinjaArguments(
            positional: try arguments.positional.map { try evaluate($0, scope, line: line) },
            keywords: try arguments.keywords.map { ($0.0, try evaluate($0.1, scope, line: line)) })
    }

    /// `object.name`: a dict's key, a namespace's attribute, or a method.
    func attribute(_ name: String, of object: JinjaValue, line: Int) throws -> JinjaValue {
        switch object {
        case .undefined(let why):
            throw JinjaError.render("\(why) (reading .\(name))", line: line)
        case .dict(let dict):
            if let value = dict[name] { return value }
        case .namespace(let namespace):
            return namespace.attributes[name] ?? .undefined("the namespace has no attribute '\(name)'")
        default:
            break
        }
        if let method = JinjaMethods.bound(name, to: object) { return method }
        return .undefined("'\(object.typeName)' object has no attribute '\(name)'")
    }

    /// `object[key]`: a list's or string's position (negative from the end), a dict's key;
    /// a string key on other values reads the attribute.
    func item(_ key: JinjaValue, of object: JinjaValue, line: Int) throws -> JinjaValue {
        switch (object, key) {
        case (.undefined(let why), _):
            throw JinjaError.render("\(why) (reading an item)", line: line)
        case (.list(let items), .int(let position)):
            let index = position < 0 ? items.count + position : position
            return items.indices.contains(index) ? items[index] : .undefined("list index \(position) out of range")
        case (.string(let text), .int(let position)):
            let characters = Array(text)
            let index = position < 0 ? characters.count + position : position
            return characters.indices.contains(index) ? .string(String(characters[index])) : .undefined("string index out of range")
        case (.dict(let dict), _):
            if let value = dict[key] { return value }
            if case .string(let name) = key, let method = JinjaMethods.bound(name, to: object) { return method }
            return .undefined("the dict has no key \(key.pythonRepr)")
        case (_, .string(let name)):
            return try attribute(name, of: object, line: line)
        default:
            return .undefined("'\(object.typeName)' object has no item \(key.pythonRepr)")
        }
    }

    /// `object[start:stop:step]` with Python's rules for missing and negative bounds.
    func slice(_ object: JinjaValue, _ start: JinjaValue?, _ stop: JinjaValue?, _ step: JinjaValue?, line: Int) throws -> JinjaValue {
        func integer(_ value: JinjaValue?) throws -> Int? {
            guard let value, !(value.isNone) else { return nil }
            guard case .int(let number) = value else { throw JinjaError.render("slice indices must be integers", line: line) }
            return number
        }
        let stride = try integer(step) ?? 1
        guard stride != 0 else { throw JinjaError.render("slice step cannot be zero", line: line) }
        func indices(count: Int) throws -> [Int] {
            func clamp(_ bound: Int?, _ fallback: Int) -> Int {
                guard var value = bound else { return fallback }
                if value < 0 { value += count }
                return stride > 0 ? min(max(value, 0), count) : min(max(value, -1), count - 1)
            }
            let first = clamp(try integer(start), stride > 0 ? 0 : count - 1)
            let last = clamp(try integer(stop), stride > 0 ? count : -1)
            var result: [Int] = []
            var index = first
            while stride > 0 ? index < last : index > last {
                result.append(index)
                index += stride
            }
            return result
        }
        switch object {
        case .list(let items): return .list(try indices(count: items.count).map { items[$0] })
        case .string(let text):
            let characters = Array(text)
            return .string(String(try indices(count: characters.count).map { characters[$0] }))
        case .undefined(let why): throw JinjaError.render(why, line: line)
        default: throw JinjaError.render("a \(object.typeName) cannot be sliced", line: line)
        }
    }

    /// The items a `for` loop (or a filter) goes through: a list's items, a dict's keys,
    /// a string's characters; nothing for undefined.
    func iterated(_ value: JinjaValue, line: Int) throws -> [JinjaValue] {
        switch value {
        case .list(let items): return items
        case .dict(let dict): return dict.keys
        case .string(let text): return text.map { .string(String($0)) }
        case .undefined: return []
        default: throw JinjaError.render("'\(value.typeName)' object is not iterable", line: line)
        }
    }
}

extension JinjaValue {
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}
