import Foundation

/// The methods of Python's `str`, `dict` and `list` that templates call, and the
/// string helpers the filters share with them.
enum JinjaMethods {
    /// `object.name` as a callable bound to `object`, when `object`'s type has that method.
    static func bound(_ name: String, to object: JinjaValue) -> JinjaValue? {
        switch object {
        case .string(let text): return stringMethod(name, text)
        case .dict(let dict): return dictMethod(name, dict)
        case .list(let items): return listMethod(name, items)
        default: return nil
        }
    }

    private static func method(_ name: String, _ body: @escaping @Sendable (JinjaArguments) throws -> JinjaValue) -> JinjaValue {
        .function(JinjaFunction(name: name) { arguments, _ in try body(arguments) })
    }

    private static func stringArgument(_ arguments: JinjaArguments, _ index: Int, _ name: String) -> String? {
        if case .string(let text)? = arguments.value(index, name) { return text }
        return nil
    }

    private static func stringMethod(_ name: String, _ text: String) -> JinjaValue? {
        switch name {
        case "strip", "lstrip", "rstrip":
            return method(name) { arguments in
                let characters = stringArgument(arguments, 0, "chars")
                return .string(strip(text, characters: characters, leading: name != "rstrip", trailing: name != "lstrip"))
            }
        case "startswith", "endswith":
            return method(name) { arguments in
                let candidates: [String]
                switch arguments.value(0, "prefix") {
                case .string(let single)?: candidates = [single]
                case .list(let many)?: candidates = many.map(\.pythonString)
                default: throw JinjaMethodError.badArgument("\(name) needs a string")
                }
                return .bool(candidates.contains { name == "startswith" ? text.hasPrefix($0) || $0.isEmpty : text.hasSuffix($0) || $0.isEmpty })
            }
        case "split", "rsplit":
            return method(name) { arguments in
                let separator = stringArgument(arguments, 0, "sep")
                var limit = -1
                if case .int(let maximum)? = arguments.value(1, "maxsplit") { limit = maximum }
                return .list(split(text, separator: separator, limit: limit, fromRight: name == "rsplit").map { .string($0) })
            }
        case "splitlines":
            return method(name) { _ in .list(text.split(omittingEmptySubsequences: false) { $0.isNewline }.map { .string(String($0)) }.dropLastIfEmpty()) }
        case "replace":
            return method(name) { arguments in
                guard let old = stringArgument(arguments, 0, "old"), let new = stringArgument(arguments, 1, "new") else {
                    throw JinjaMethodError.badArgument("replace needs two strings")
                }
                var count = -1
                if case .int(let limit)? = arguments.value(2, "count") { count = limit }
                return .string(replace(text, old, new, count: count))
            }
        case "upper": return method(name) { _ in .string(text.uppercased()) }
        case "lower": return method(name) { _ in .string(text.lowercased()) }
        case "title": return method(name) { _ in .string(titled(text)) }
        case "capitalize": return method(name) { _ in .string(capitalized(text)) }
        case "find", "rfind", "index", "rindex", "count":
            return method(name) { arguments in
                guard let part = stringArgument(arguments, 0, "sub") else { throw JinjaMethodError.badArgument("\(name) needs a string") }
                if name == "count" { return .int(part.isEmpty ? text.count + 1 : text.components(separatedBy: part).count - 1) }
                let range = name.hasPrefix("r") ? text.range(of: part, options: .backwards) : text.range(of: part)
                guard let range else {
                    if name.hasSuffix("index") { throw JinjaMethodError.badArgument("substring not found") }
                    return .int(-1)
                }
                return .int(text.distance(from: text.startIndex, to: range.lowerBound))
            }
        case "join":
            return method(name) { arguments in
                guard case .list(let items)? = arguments.positional.first else { throw JinjaMethodError.badArgument("join needs a list") }
                return .string(items.map(\.pythonString).joined(separator: text))
            }
        case "isdigit": return method(name) { _ in .bool(!text.isEmpty && text.allSatisfy(\.isNumber)) }
        case "isalpha": return method(name) { _ in .bool(!text.isEmpty && text.allSatisfy(\.isLetter)) }
        case "isspace": return method(name) { _ in .bool(!text.isEmpty && text.allSatisfy(\.isWhitespace)) }
        case "format":
            return method(name) { arguments in
                var positional = arguments.positional[...]
                var result = ""
                var rest = text[...]
                while let open = rest.firstIndex(of: "{") {
                    result += rest[..<open]
                    guard let close = rest[open...].firstIndex(of: "}") else { break }
                    let field = String(rest[rest.index(after: open)..<close])
                    if field.isEmpty, let next = positional.popFirst() {
                        result += next.pythonString
                    } else if let value = arguments.keywords.first(where: { $0.0 == field })?.1 {
                        result += value.pythonString
                    } else if let index = Int(field), arguments.positional.indices.contains(index) {
                        result += arguments.positional[index].pythonString
                    }
                    rest = rest[rest.index(after: close)...]
                }
                return .string(result + rest)
            }
        default: return nil
        }
    }

    private static func dictMethod(_ name: String, _ dict: JinjaDict) -> JinjaValue? {
        switch name {
        case "items": return method(name) { _ in .list(dict.entries.map { .list([$0.key, $0.value]) }) }
        case "keys": return method(name) { _ in .list(dict.keys) }
        case "values": return method(name) { _ in .list(dict.entries.map(\.value)) }
        case "get":
            return method(name) { arguments in
                guard let key = arguments.positional.first else { throw JinjaMethodError.badArgument("get needs a key") }
                return dict[key] ?? arguments.value(1, "default") ?? .none
            }
        default: return nil
        }
    }

    private static func listMethod(_ name: String, _ items: [JinjaValue]) -> JinjaValue? {
        switch name {
        case "index":
            return method(name) { arguments in
                guard let needle = arguments.positional.first, let index = items.firstIndex(where: { $0.pythonEquals(needle) }) else {
                    throw JinjaMethodError.badArgument("the value is not in the list")
                }
                return .int(index)
            }
        case "count":
            return method(name) { arguments in
                guard let needle = arguments.positional.first else { throw JinjaMethodError.badArgument("count needs a value") }
                return .int(items.filter { $0.pythonEquals(needle) }.count)
            }
        case "append", "extend", "pop", "insert", "remove", "clear", "sort", "reverse", "update":
            // transformers renders in an immutable sandbox, where these fail too.
            return method(name) { _ in throw JinjaMethodError.badArgument("the list method \(name) modifies a list, which the sandbox forbids") }
        default: return nil
        }
    }

    /// Python's `strip(chars)`: whitespace when `characters` is nil.
    static func strip(_ text: String, characters: String?, leading: Bool, trailing: Bool) -> String {
        let set = characters.map { Set($0) }
        func removable(_ character: Character) -> Bool { set?.contains(character) ?? character.isWhitespace }
        var slice = text[...]
        if leading { slice = slice.drop(while: removable) }
        if trailing { while let last = slice.last, removable(last) { slice = slice.dropLast() } }
        return String(slice)
    }

    /// Python's `split(sep, maxsplit)` and `rsplit`: runs of whitespace when `separator` is nil.
    static func split(_ text: String, separator: String?, limit: Int, fromRight: Bool) -> [String] {
        guard let separator, !separator.isEmpty else {
            var words = text.split(whereSeparator: \.isWhitespace).map(String.init)
            if limit >= 0, words.count > limit + 1 {
                // The rest after `limit` splits keeps its inner whitespace.
                if fromRight {
                    let kept = Array(words.suffix(limit))
                    let head = strip(text, characters: nil, leading: true, trailing: true)
                    var remainder = head
                    for word in kept.reversed() {
                        remainder = strip(String(remainder.dropLast(word.count)), characters: nil, leading: false, trailing: true)
                    }
                    words = [remainder] + kept
                } else {
                    var rest = strip(text, characters: nil, leading: true, trailing: false)[...]
                    var parts: [String] = []
                    for _ in 0..<limit {
                        let word = rest.prefix { !$0.isWhitespace }
                        parts.append(String(word))
                        rest = rest.dropFirst(word.count).drop(while: \.isWhitespace)
                    }
                    words = parts + [String(rest)]
                }
            }
            return words
        }
        var parts = text.components(separatedBy: separator)
        if limit >= 0, parts.count > limit + 1 {
            if fromRight {
                let kept = Array(parts.suffix(limit))
                parts = [parts.dropLast(limit).joined(separator: separator)] + kept
            } else {
                parts = Array(parts.prefix(limit)) + [parts.dropFirst(limit).joined(separator: separator)]
            }
        }
        return parts
    }

    /// Python's `replace(old, new, count)`.
    static func replace(_ text: String, _ old: String, _ new: String, count: Int) -> String {
        guard count >= 0 else {
            if old.isEmpty { return new + text.map { String($0) + new }.joined() }
            return text.replacingOccurrences(of: old, with: new)
        }
        var result = ""
        var rest = text[...]
        var done = 0
        while done < count, !old.isEmpty, let range = rest.range(of: old) {
            result += rest[..<range.lowerBound] + new
            rest = rest[range.upperBound...]
            done += 1
        }
        return result + rest
    }

    /// Python's `capitalize()`: the first character upper case, the rest lower case.
    static func capitalized(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst().lowercased()
    }

    /// Python's `title()`: each run of letters starts upper case, the rest lower case.
    static func titled(_ text: String) -> String {
        var result = ""
        var previousIsLetter = false
        for character in text {
            result += previousIsLetter ? character.lowercased() : character.uppercased()
            previousIsLetter = character.isLetter
        }
        return result
    }

    /// `&`, `<`, `>`, `"` and `'` as HTML entities, as Jinja's `escape` writes them.
    static func escapedHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&#34;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}

/// A method called with arguments it cannot use.
enum JinjaMethodError: Error {
    case badArgument(String)
}

extension Array where Element == JinjaValue {
    fileprivate func dropLastIfEmpty() -> [JinjaValue] {
        if case .string("")? = last { return Array(dropLast()) }
        return self
    }
}
