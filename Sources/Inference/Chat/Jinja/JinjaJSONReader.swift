/// Reads JSON into template values, keeping the keys' order (as Python's `json.load`
/// does, which chat templates' `tojson` output depends on) and integers apart from floats.
struct JinjaJSONReader {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// The one value of the text.
    mutating func read() throws -> JinjaValue {
        let value = try value()
        skipSpace()
        guard index == scalars.count else { throw failure("text after the JSON value") }
        return value
    }

    private func failure(_ what: String) -> JinjaJSONReadError { .malformed("\(what) at character \(index)") }

    private mutating func skipSpace() {
        while index < scalars.count, [" ", "\n", "\r", "\t"].contains(scalars[index]) { index += 1 }
    }

    private mutating func expect(_ literal: String) throws {
        for scalar in literal.unicodeScalars {
            guard index < scalars.count, scalars[index] == scalar else { throw failure("expected \(literal)") }
            index += 1
        }
    }

    private mutating func value() throws -> JinjaValue {
        skipSpace()
        guard index < scalars.count else { throw failure("a value is missing") }
        switch scalars[index] {
        case "{":
            index += 1
            var dict = JinjaDict()
            skipSpace()
            if index < scalars.count, scalars[index] == "}" { index += 1; return .dict(dict) }
            while true {
                skipSpace()
                guard index < scalars.count, scalars[index] == "\"" else { throw failure("expected a key") }
                let key = try string()
                skipSpace()
                try expect(":")
                dict[key] = try value()
                skipSpace()
                guard index < scalars.count else { throw failure("an object is not closed") }
                if scalars[index] == "," { index += 1; continue }
                try expect("}")
                return .dict(dict)
            }
        case "[":
            index += 1
            var items: [JinjaValue] = []
            skipSpace()
            if index < scalars.count, scalars[index] == "]" { index += 1; return .list(items) }
            while true {
                items.append(try value())
                skipSpace()
                guard index < scalars.count else { throw failure("an array is not closed") }
                if scalars[index] == "," { index += 1; continue }
                try expect("]")
                return .list(items)
            }
        case "\"": return .string(try string())
        case "t": try expect("true"); return .bool(true)
        case "f": try expect("false"); return .bool(false)
        case "n": try expect("null"); return .none
        default: return try number()
        }
    }

    private mutating func number() throws -> JinjaValue {
        let start = index
        while index < scalars.count, "+-0123456789.eE".unicodeScalars.contains(scalars[index]) { index += 1 }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[start..<index])
        if let integer = Int(text) { return .int(integer) }
        guard let double = Double(text) else { throw failure("malformed number '\(text)'") }
        return .double(double)
    }

    private mutating func string() throws -> String {
        index += 1
        var result = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "\"" { return String(result) }
            guard scalar == "\\" else { result.append(scalar); continue }
            guard index < scalars.count else { break }
            let escaped = scalars[index]
            index += 1
            switch escaped {
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "r": result.append("\r")
            case "b": result.append("\u{08}")
            case "f": result.append("\u{0C}")
            case "u":
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), index + 1 < scalars.count, scalars[index] == "\\", scalars[index + 1] == "u" {
                    index += 2
                    let low = try hex4()
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let decoded = Unicode.Scalar(code) else { throw failure("a \\u escape is not a character") }
                result.append(decoded)
            default: result.append(escaped)
            }
        }
        throw failure("a string is not closed")
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= scalars.count else { throw failure("a \\u escape is cut short") }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[index..<index + 4])
        index += 4
        guard let code = UInt32(text, radix: 16) else { throw failure("malformed \\u escape") }
        return code
    }
}

/// JSON that could not be read.
public enum JinjaJSONReadError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let what): return "malformed JSON: \(what)"
        }
    }
}

extension JinjaValue {
    /// The value of a JSON text, keys in their order.
    public init(json: String) throws {
        var reader = JinjaJSONReader(json)
        self = try reader.read()
    }
}
