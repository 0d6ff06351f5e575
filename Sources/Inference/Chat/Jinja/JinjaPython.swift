import Foundation

extension JinjaValue {
    /// Python's `str()` of the value (what `{{ value }}` prints).
    public var pythonString: String {
        switch self {
        case .undefined: return ""
        case .string(let text): return text
        default: return pythonRepr
        }
    }

    /// Python's `repr()`: strings quoted, lists and dicts as Python writes them.
    public var pythonRepr: String {
        switch self {
        case .undefined: return ""
        case .none: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let number): return String(number)
        case .double(let number): return Self.pythonFloat(number)
        case .string(let text): return Self.pythonQuoted(text)
        case .list(let items): return "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .dict(let dict):
            return "{" + dict.entries.map { $0.key.pythonRepr + ": " + $0.value.pythonRepr }.joined(separator: ", ") + "}"
        case .namespace(let namespace):
            return "<Namespace " + namespace.attributes.entries.map { $0.key.pythonString + "=" + $0.value.pythonRepr }.joined(separator: ", ") + ">"
        case .function(let function): return "<function \(function.name)>"
        }
    }

    /// A float as Python's `repr` writes it: the shortest text that reads back, with
    /// ".0" on whole numbers and an exponent from 1e16 up or below 1e-4.
    static func pythonFloat(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        let magnitude = abs(number)
        if magnitude != 0, magnitude < 1e-4 || magnitude >= 1e16 {
            // Swift writes e.g. "1e-05" and "1.5e+16", as Python does.
            var text = "\(number)"
            if !text.contains("e") { text = String(format: "%.17g", number) }
            return text
        }
        let text = "\(number)"
        if text.contains("e") {
            // Swift uses exponents from 2^53 up; Python only from 1e16.
            let whole = String(format: "%.0f", number)
            return Double(whole) == number ? whole + ".0" : text
        }
        return text
    }

    /// A string in Python's quotes: single unless it holds a single quote and no double.
    static func pythonQuoted(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var result = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if Character(scalar) == quote {
                    result += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7f {
                    result += String(format: "\\x%02x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        result.append(quote)
        return result
    }
}

/// Python's `json.dumps(value, ensure_ascii=False, indent=…, separators=…, sort_keys=…)`,
/// which transformers' `tojson` filter calls.
struct JinjaJSONWriter {
    var indent: String?
    var itemSeparator: String
    var keySeparator: String
    var sortKeys: Bool

    init(indent: String? = nil, separators: (String, String)? = nil, sortKeys: Bool = false) {
        self.indent = indent
        self.itemSeparator = separators?.0 ?? (indent == nil ? ", " : ",")
        self.keySeparator = separators?.1 ?? ": "
        self.sortKeys = sortKeys
    }

    func write(_ value: JinjaValue, depth: Int = 0) throws -> String {
        switch value {
        case .none: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number):
            if number.isNaN { return "NaN" }
            if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
            return JinjaValue.pythonFloat(number)
        case .string(let text): return Self.quoted(text)
        case .list(let items):
            if items.isEmpty { return "[]" }
            return try container("[", "]", items.map { try write($0, depth: depth + 1) }, depth: depth)
        case .dict(let dict):
            if dict.entries.isEmpty { return "{}" }
            var entries = dict.entries
            if sortKeys { entries.sort { $0.key.pythonString < $1.key.pythonString } }
            let members = try entries.map { entry -> String in
                let key: String
                switch entry.key {
                case .string(let text): key = text
                case .int, .double: key = entry.key.pythonString
                case .bool(let flag): key = flag ? "true" : "false"
                case .none: key = "null"
                default: throw JinjaJSONError.unserializable(entry.key.typeName)
                }
                return Self.quoted(key) + keySeparator + (try write(entry.value, depth: depth + 1))
            }
            return container("{", "}", members, depth: depth)
        case .namespace, .function, .undefined:
            throw JinjaJSONError.unserializable(value.typeName)
        }
    }

    private func container(_ open: String, _ close: String, _ members: [String], depth: Int) -> String {
        guard let indent else { return open + members.joined(separator: itemSeparator) + close }
        let inner = "\n" + String(repeating: indent, count: depth + 1)
        let outer = "\n" + String(repeating: indent, count: depth)
        return open + inner + members.joined(separator: itemSeparator + inner) + outer + close
    }

    /// A JSON string literal with Python's escapes (non-ASCII kept as it is).
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

/// A value `tojson` cannot write.
enum JinjaJSONError: Error {
    case unserializable(String)
}
