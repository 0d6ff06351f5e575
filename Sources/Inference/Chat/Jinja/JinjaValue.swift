/// A value inside a Jinja template, with Python's semantics (chat templates are
/// rendered by Python's `jinja2`, so equality, truth and printing follow Python).
public enum JinjaValue: Sendable {
    /// A name or key that does not exist; prints as nothing. The text names what was missing.
    case undefined(String)
    /// Python's `None`.
    case none
    /// `True` / `False`.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// A string.
    case string(String)
    /// A list (or tuple).
    case list([JinjaValue])
    /// A dict, keys in insertion order.
    case dict(JinjaDict)
    /// A `namespace()`: attributes that `set ns.x = …` may change inside loops.
    case namespace(JinjaNamespace)
    /// A macro, a global function or a bound method.
    case function(JinjaFunction)
}

/// A dict that keeps its keys in insertion order, as Python's does.
public struct JinjaDict: Sendable {
    /// Keys and values in insertion order.
    public private(set) var entries: [(key: JinjaValue, value: JinjaValue)] = []

    /// An empty dict.
    public init() {}

    /// A dict with string keys, in the given order.
    public init(_ pairs: [(String, JinjaValue)]) {
        for (key, value) in pairs { self[.string(key)] = value }
    }

    /// The value for `key`, nil when absent.
    public subscript(key: JinjaValue) -> JinjaValue? {
        get { entries.first { $0.key.pythonEquals(key) }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key.pythonEquals(key) }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// The value for a string key.
    public subscript(name: String) -> JinjaValue? {
        get { self[.string(name)] }
        set { self[.string(name)] = newValue }
    }

    /// The keys in order.
    public var keys: [JinjaValue] { entries.map(\.key) }
}

/// A namespace's attributes. Shared by reference, as `namespace()` objects are in
/// Jinja, so a `set` inside a loop is seen after it; only one render touches it.
public final class JinjaNamespace: @unchecked Sendable {
    /// The attributes.
    var attributes: JinjaDict

    init(_ attributes: JinjaDict) { self.attributes = attributes }
}

/// A callable: positional and keyword arguments in, a value out.
public struct JinjaFunction: Sendable {
    /// The name, for error messages.
    public let name: String
    let call: @Sendable (_ arguments: JinjaArguments, _ interpreter: JinjaInterpreter) throws -> JinjaValue
}

/// The arguments of a call.
public struct JinjaArguments: Sendable {
    /// Positional arguments.
    public var positional: [JinjaValue]
    /// Keyword arguments, in the order written.
    public var keywords: [(String, JinjaValue)]

    /// The argument at `index`, or the keyword `name`, or nil.
    func value(_ index: Int, _ name: String) -> JinjaValue? {
        if index < positional.count { return positional[index] }
        return keywords.first { $0.0 == name }?.1
    }
}

extension JinjaValue {
    /// Python's truth: empty strings, lists, dicts, zero, None and undefined are false.
    public var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .double(let value): return value != 0
        case .string(let value): return !value.isEmpty
        case .list(let value): return !value.isEmpty
        case .dict(let value): return !value.entries.isEmpty
        case .namespace, .function: return true
        }
    }

    /// True for `undefined`.
    public var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// Python's `==`: numbers compare by value across int, float and bool.
    public func pythonEquals(_ other: JinjaValue) -> Bool {
        switch (self, other) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.pythonEquals($1) }
        case (.dict(let a), .dict(let b)):
            return a.entries.count == b.entries.count
                && a.entries.allSatisfy { entry in b[entry.key].map { $0.pythonEquals(entry.value) } ?? false }
        case (.namespace(let a), .namespace(let b)): return a === b
        default:
            if let a = numericValue, let b = other.numericValue { return a == b }
            return false
        }
    }

    /// The number a value stands for in arithmetic (bools count as 0 and 1, as in Python).
    var numericValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .bool(let value): return value ? 1 : 0
        default: return nil
        }
    }

    /// The name of the value's Python type, for error messages.
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .list: return "list"
        case .dict: return "dict"
        case .namespace: return "Namespace"
        case .function: return "function"
        }
    }
}
