extension JinjaInterpreter {
    /// `value | name(arguments)`.
    func applyFilter(_ name: String, to value: JinjaValue, _ arguments: JinjaArguments, line: Int) throws -> JinjaValue {
        // As in jinja2, an undefined value prints as "" and iterates as nothing; the
        // filters that go through a sequence take any false value (None) as empty.
        func text() -> String { value.pythonString }
        func items() throws -> [JinjaValue] {
            if ["map", "select", "reject", "selectattr", "rejectattr"].contains(name), !value.isTruthy { return [] }
            return try iterated(value, line: line)
        }
        switch name {
        case "default", "d":
            let fallback = arguments.value(0, "default_value") ?? .string("")
            let onFalsy = arguments.value(1, "boolean")?.isTruthy ?? false
            return value.isUndefined || (onFalsy && !value.isTruthy) ? fallback : value
        case "tojson":
            return .string(try json(value, arguments, line: line))
        case "trim":
            guard let characters = arguments.value(0, "chars"), case .string(let set) = characters else {
                return .string(text().trimmingWhitespace())
            }
            return .string(JinjaMethods.strip(text(), characters: set, leading: true, trailing: true))
        case "length", "count":
            switch value {
            case .string(let text): return .int(text.count)
            case .list(let items): return .int(items.count)
            case .dict(let dict): return .int(dict.entries.count)
            case .undefined: return .int(0)
            default: throw JinjaError.render("object of type '\(value.typeName)' has no len()", line: line)
            }
        case "items":
            guard case .dict(let dict) = value else {
                if value.isUndefined { return .list([]) }
                throw JinjaError.render("items needs a dict, not \(value.typeName)", line: line)
            }
            return .list(dict.entries.map { .list([$0.key, $0.value]) })
        case "join":
            let separator = arguments.value(0, "d")?.pythonString ?? ""
            var parts = try items()
            if let attribute = arguments.value(1, "attribute") {
                parts = try parts.map { try item(attribute, of: $0, line: line) }
            }
            return .string(parts.map(\.pythonString).joined(separator: separator))
        case "lower": return .string(text().lowercased())
        case "upper": return .string(text().uppercased())
        case "capitalize": return .string(JinjaMethods.capitalized(text()))
        case "title": return .string(JinjaMethods.titled(text()))
        case "string": return .string(value.pythonString)
        case "safe", "e", "escape", "forceescape":
            return name == "safe" ? value : .string(JinjaMethods.escapedHTML(text()))
        case "first":
            return try items().first ?? .undefined("the sequence is empty")
        case "last":
            return try items().last ?? .undefined("the sequence is empty")
        case "list": return .list(try items())
        case "reverse":
            if case .string(let text) = value { return .string(String(text.reversed())) }
            return .list(try items().reversed())
        case "int":
            switch value {
            case .int: return value
            case .double(let number): return .int(Int(number))
            case .bool(let flag): return .int(flag ? 1 : 0)
            case .string(let text): return .int(Int(text.trimmingWhitespace()) ?? Int(Double(text.trimmingWhitespace()) ?? 0))
            default: return arguments.value(0, "default") ?? .int(0)
            }
        case "float":
            if let number = value.numericValue { return .double(number) }
            if case .string(let text) = value, let number = Double(text.trimmingWhitespace()) { return .double(number) }
            return arguments.value(0, "default") ?? .double(0)
        case "abs":
            switch value {
            case .int(let number): return .int(abs(number))
            case .double(let number): return .double(abs(number))
            default: throw JinjaError.render("bad operand type for abs(): '\(value.typeName)'", line: line)
            }
        case "round":
            let digits = arguments.value(0, "precision").flatMap { if case .int(let n) = $0 { n } else { nil } } ?? 0
            let scale = Double(pow10(digits))
            return .double(((value.numericValue ?? 0) * scale).rounded(.toNearestOrAwayFromZero) / scale)
        case "replace":
            guard let old = arguments.value(0, "old"), let new = arguments.value(1, "new") else {
                throw JinjaError.render("replace needs the old and new text", line: line)
            }
            return .string(text().replacingOccurrences(of: old.pythonString, with: new.pythonString))
        case "indent":
            return .string(indented(text(), arguments))
        case "map":
            let list = try items()
            if let attribute = arguments.keywords.first(where: { $0.0 == "attribute" })?.1 {
                let fallback = arguments.keywords.first(where: { $0.0 == "default" })?.1
                return .list(try list.map { entry in
                    let found = try item(attribute, of: entry, line: line)
                    return found.isUndefined ? (fallback ?? found) : found
                })
            }
            guard case .string(let filter)? = arguments.positional.first else {
                throw JinjaError.render("map needs a filter name or attribute=", line: line)
            }
            let rest = JinjaArguments(positional: Array(arguments.positional.dropFirst()), keywords: arguments.keywords)
            return .list(try list.map { try applyFilter(filter, to: $0, rest, line: line) })
        case "select", "reject", "selectattr", "rejectattr":
            return .list(try selected(try items(), name, arguments, line: line))
        case "unique":
            var seen: [JinjaValue] = []
            for entry in try items() where !seen.contains(where: { $0.pythonEquals(entry) }) { seen.append(entry) }
            return .list(seen)
        case "sort":
            return .list(try sorted(try items(), arguments, line: line))
        case "dictsort":
            guard case .dict(let dict) = value else { throw JinjaError.render("dictsort needs a dict", line: line) }
            let pairs = try dict.entries.sorted { try compare($0.key, $1.key, line: line) < 0 }
            return .list(pairs.map { .list([$0.key, $0.value]) })
        case "sum":
            var total: JinjaValue = arguments.value(1, "start") ?? .int(0)
            for entry in try items() { total = try binary("+", total, entry, line: line) }
            return total
        case "min", "max":
            let list = try items()
            guard var best = list.first else { return .undefined("\(name) of an empty sequence") }
            for entry in list.dropFirst() {
                let order = try compare(entry, best, line: line)
                if name == "min" ? order < 0 : order > 0 { best = entry }
            }
            return best
        case "wordcount":
            return .int(text().split(whereSeparator: \.isWhitespace).count)
        case "batch", "slice", "groupby", "xmlattr", "urlencode", "truncate", "wordwrap", "center", "format", "pprint", "striptags", "filesizeformat", "random", "attr":
            throw JinjaError.unsupported("the '\(name)' filter", line: line)
        default:
            throw JinjaError.render("no filter named '\(name)'", line: line)
        }
    }

    private func pow10(_ digits: Int) -> Int { (0..<max(digits, 0)).reduce(1) { result, _ in result * 10 } }

    /// transformers' `tojson`: `json.dumps` without ASCII escapes, with its keyword options.
    private func json(_ value: JinjaValue, _ arguments: JinjaArguments, line: Int) throws -> String {
        var indent: String?
        switch arguments.value(0, "indent") {
        case .int(let spaces)?: indent = String(repeating: " ", count: spaces)
        case .string(let text)?: indent = text
        default: break
        }
        var separators: (String, String)?
        if case .list(let pair)? = arguments.keywords.first(where: { $0.0 == "separators" })?.1, pair.count == 2 {
            separators = (pair[0].pythonString, pair[1].pythonString)
        }
        let sortKeys = arguments.keywords.first(where: { $0.0 == "sort_keys" })?.1.isTruthy ?? false
        do {
            return try JinjaJSONWriter(indent: indent, separators: separators, sortKeys: sortKeys).write(value)
        } catch JinjaJSONError.unserializable(let type) {
            throw JinjaError.render("tojson cannot write a value of type \(type)", line: line)
        }
    }

    /// `indent(width=4, first=False, blank=False)`.
    private func indented(_ text: String, _ arguments: JinjaArguments) -> String {
        let width = arguments.value(0, "width")
        let prefix: String
        if case .string(let custom)? = width { prefix = custom } else { prefix = String(repeating: " ", count: Int(width?.numericValue ?? 4)) }
        let first = arguments.value(1, "first")?.isTruthy ?? false
        let blank = arguments.value(2, "blank")?.isTruthy ?? false
        var lines = text.components(separatedBy: "\n")
        for index in lines.indices where index > 0 || first {
            if blank || !lines[index].isEmpty { lines[index] = prefix + lines[index] }
        }
        return lines.joined(separator: "\n")
    }

    /// `select`/`reject` by a test, `selectattr`/`rejectattr` by an attribute's test (or truth).
    private func selected(_ list: [JinjaValue], _ name: String, _ arguments: JinjaArguments, line: Int) throws -> [JinjaValue] {
        let byAttribute = name.hasSuffix("attr")
        let keep = name.hasPrefix("select")
        var positional = arguments.positional
        var attribute: JinjaValue?
        if byAttribute {
            guard !positional.isEmpty else { throw JinjaError.render("\(name) needs an attribute name", line: line) }
            attribute = positional.removeFirst()
        }
        let test = positional.first.map(\.pythonString)
        let testArguments = JinjaArguments(positional: Array(positional.dropFirst()), keywords: [])
        return try list.filter { entry in
            let subject = try attribute.map { try item($0, of: entry, line: line) } ?? entry
            let passes = try test.map { try applyTest($0, to: subject, testArguments, line: line) } ?? subject.isTruthy
            return passes == keep
        }
    }

    /// `sort(reverse=False, case_sensitive=False, attribute=None)`.
    private func sorted(_ list: [JinjaValue], _ arguments: JinjaArguments, line: Int) throws -> [JinjaValue] {
        let reverse = arguments.value(0, "reverse")?.isTruthy ?? false
        let caseSensitive = arguments.value(1, "case_sensitive")?.isTruthy ?? false
        let attribute = arguments.value(2, "attribute")
        func key(_ value: JinjaValue) throws -> JinjaValue {
            let subject = try attribute.map { try item($0, of: value, line: line) } ?? value
            if !caseSensitive, case .string(let text) = subject { return .string(text.lowercased()) }
            return subject
        }
        let keyed = try list.map { (try key($0), $0) }
        var failure: Error?
        let ordered = keyed.enumerated().sorted { a, b in
            do {
                let order = try compare(a.element.0, b.element.0, line: line)
                return order == 0 ? a.offset < b.offset : (reverse ? order > 0 : order < 0)
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return ordered.map(\.element.1)
    }
}
