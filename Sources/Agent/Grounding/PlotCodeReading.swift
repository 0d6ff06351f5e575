/// Plotting code cut into Python tokens (strings and comments dropped): its numeric
/// literals, each with whether it only styles the figure, and the names it defines.
struct CodeReading {
    /// A numeric literal of the code.
    struct Literal {
        var value: Double
        /// In a keyword argument other than a data one, a style call, or assigned to a style name.
        var isStyle = false
        /// In a call of range, arange or linspace.
        var inRange = false
    }

    enum Token: Equatable {
        case name(String)
        case number(Double)
        case symbol(String)
        case newline
    }

    private(set) var tokens: [Token] = []
    private(set) var numbers: [Literal] = []
    private(set) var defined: Set<String> = []

    /// Keyword arguments that carry data; every other keyword argument is style.
    static let dataKeywords: Set<String> = ["x", "y", "height", "data", "values", "sizes", "bottom", "left", "weights", "xs", "ys", "x1", "x2", "y1", "y2", "counts"]
    /// Calls whose numbers place or style things, not data.
    static let styleCalls: Set<String> = [
        "figure", "subplots", "subplot", "add_subplot", "xlim", "ylim", "set_xlim", "set_ylim", "axis", "grid",
        "tight_layout", "subplots_adjust", "legend", "margins", "set_size_inches", "savefig", "xticks", "yticks",
        "set_xticks", "set_yticks", "tick_params", "title", "suptitle", "xlabel", "ylabel", "set_title",
        "set_xlabel", "set_ylabel", "text", "annotate", "round", "format", "set_aspect", "axhline", "axvline",
    ]
    static let rangeCalls: Set<String> = ["range", "arange", "linspace"]
    /// Names whose assigned numbers style the figure: "width = 0.35".
    static let styleNames: Set<String> = [
        "width", "bar_width", "barwidth", "w", "alpha", "bins", "n_bins", "nbins", "dpi", "fontsize", "font_size",
        "size", "offset", "spacing", "gap", "rotation", "linewidth", "lw", "markersize", "figsize", "pad", "radius",
        "startangle", "explode", "colors",
    ]
    /// Names Python or the tool defines, never a label written bare.
    static let predefined: Set<String> = [
        "abs", "all", "any", "bool", "dict", "enumerate", "filter", "float", "int", "len", "list", "map", "max",
        "min", "print", "range", "round", "set", "sorted", "str", "sum", "tuple", "zip", "True", "False", "None",
        "np", "plt", "math", "pi", "e", "sin", "cos", "tan", "exp", "log", "sqrt",
    ]

    init(_ code: String) {
        tokens = Self.tokens(Array(code))
        readNumbers()
        readDefinitions()
    }

    /// Whether `label` appears in the code as a bare name: an identifier never defined
    /// ("[Tom, Ann]"), or several words in a row ("New York").
    func usesBareName(_ label: String) -> Bool {
        let words = label.split(separator: " ").map { $0.lowercased() }
        guard !words.isEmpty else { return false }
        for start in tokens.indices {
            if start > 0, tokens[start - 1] == .symbol(".") { continue }
            guard start + words.count <= tokens.count else { break }
            var names: [String] = []
            for token in tokens[start..<(start + words.count)] {
                guard case .name(let name) = token else { break }
                names.append(name)
            }
            guard names.count == words.count, names.map({ $0.lowercased() }) == words else { continue }
            if words.count > 1 { return true }
            if !defined.contains(names[0]) && !Self.predefined.contains(names[0]) { return true }
        }
        return false
    }

    // MARK: Tokens

    private static let twoCharacterSymbols: Set<String> = ["==", "!=", "<=", ">=", "**", "//", "->", ":=", "+=", "-=", "*=", "/=", "%=", "<<", ">>"]
    private static let stringPrefixes: Set<String> = ["r", "b", "f", "u", "rb", "br", "fr", "rf"]

    private static func tokens(_ text: [Character]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < text.count {
            let character = text[index]
            if character.isNewline {
                tokens.append(.newline)
                index += 1
            } else if character.isWhitespace {
                index += 1
            } else if character == "#" {
                while index < text.count, !text[index].isNewline { index += 1 }
            } else if character == "\\", index + 1 < text.count, text[index + 1].isNewline {
                index += 2
            } else if character == "'" || character == "\"" {
                index = skipString(text, from: index)
            } else if character.isASCII && character.isNumber || (character == "." && index + 1 < text.count && text[index + 1].isASCII && text[index + 1].isNumber) {
                var end = index
                while end < text.count, text[end].isLetter || text[end].isNumber || text[end] == "_" || text[end] == "."
                    || ((text[end] == "+" || text[end] == "-") && end > index && "eE".contains(text[end - 1]) && !String(text[index..<end]).lowercased().hasPrefix("0x")) {
                    end += 1
                }
                if let value = number(String(text[index..<end].filter { $0 != "_" })) {
                    tokens.append(.number(value))
                } else {
                    tokens.append(.symbol("?"))
                }
                index = end
            } else if character.isLetter || character == "_" {
                var end = index
                while end < text.count, text[end].isLetter || text[end].isNumber || text[end] == "_" { end += 1 }
                let name = String(text[index..<end])
                if end < text.count, text[end] == "'" || text[end] == "\"", stringPrefixes.contains(name.lowercased()) {
                    index = skipString(text, from: end)
                    tokens.append(.symbol("''"))
                } else {
                    tokens.append(.name(name))
                    index = end
                }
            } else {
                let pair = index + 1 < text.count ? String(text[index...(index + 1)]) : ""
                if twoCharacterSymbols.contains(pair) {
                    tokens.append(.symbol(pair))
                    index += 2
                } else {
                    tokens.append(.symbol(String(character)))
                    index += 1
                }
            }
        }
        return tokens
    }

    /// The index after the string literal that starts at `start` (a quote).
    private static func skipString(_ text: [Character], from start: Int) -> Int {
        let quote = text[start]
        let triple = start + 2 < text.count && text[start + 1] == quote && text[start + 2] == quote
        var index = start + (triple ? 3 : 1)
        while index < text.count {
            let character = text[index]
            if character == "\\" {
                index += 2
            } else if character == quote {
                if !triple { return index + 1 }
                if index + 2 < text.count, text[index + 1] == quote, text[index + 2] == quote { return index + 3 }
                index += 1
            } else if character.isNewline && !triple {
                return index
            } else {
                index += 1
            }
        }
        return index
    }

    private static func number(_ text: String) -> Double? {
        let lower = text.lowercased()
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
            return Int(lower.dropFirst(2), radix: radix).map(Double.init)
        }
        if lower.hasSuffix("j") { return nil }
        return Double(lower)
    }

    // MARK: Numbers and their roles

    private struct Frame {
        var callee: String?
        var keyword: String?
    }

    private mutating func readNumbers() {
        var frames: [Frame] = []
        var statementTarget: String?
        var statementStart = true
        for (position, token) in tokens.enumerated() {
            let previous = position > 0 ? tokens[position - 1] : nil
            switch token {
            case .newline where frames.isEmpty, .symbol(";") where frames.isEmpty:
                statementTarget = nil
                statementStart = true
                continue
            case .symbol("(") :
                var callee: String?
                if case .name(let name)? = previous { callee = name }
                frames.append(Frame(callee: callee))
            case .symbol("["), .symbol("{"):
                frames.append(Frame())
            case .symbol(")"), .symbol("]"), .symbol("}"):
                if !frames.isEmpty { frames.removeLast() }
            case .symbol(","):
                if !frames.isEmpty { frames[frames.count - 1].keyword = nil }
            case .symbol("="):
                if case .name(let name)? = previous {
                    if frames.isEmpty {
                        if statementStart || statementTarget == nil { statementTarget = name }
                    } else {
                        frames[frames.count - 1].keyword = name
                    }
                }
            case .number(var value):
                // A minus after an operator, a bracket, a comma or "=" is the number's sign.
                if previous == .symbol("-") {
                    let beforeSign = position > 1 ? tokens[position - 2] : nil
                    switch beforeSign {
                    case .name?, .number?, .symbol(")")?, .symbol("]")?, .symbol("}")?: break
                    default: value = -value
                    }
                }
                var literal = Literal(value: value)
                literal.isStyle = frames.contains { frame in
                    frame.keyword.map { !Self.dataKeywords.contains($0) } == true
                        || frame.callee.map(Self.styleCalls.contains) == true
                } || statementTarget.map(Self.styleNames.contains) == true
                literal.inRange = frames.contains { $0.callee.map(Self.rangeCalls.contains) == true }
                numbers.append(literal)
            default:
                break
            }
            statementStart = false
        }
    }

    // MARK: Names the code defines

    private mutating func readDefinitions() {
        var statement: [Token] = []
        var depth = 0
        for token in tokens + [.newline] {
            switch token {
            case .symbol("("), .symbol("["), .symbol("{"): depth += 1
            case .symbol(")"), .symbol("]"), .symbol("}"): depth = max(depth - 1, 0)
            default: break
            }
            if (token == .newline || token == .symbol(";")) && depth == 0 {
                define(in: statement)
                statement.removeAll()
            } else {
                statement.append(token)
            }
        }
    }

    /// Names bound by one logical line: assignment targets, loop variables, imports,
    /// "as" names, function and class names and parameters, lambda parameters.
    private mutating func define(in statement: [Token]) {
        func names(_ tokens: ArraySlice<Token>) -> [String] {
            tokens.indices.compactMap { index in
                guard case .name(let name) = tokens[index] else { return nil }
                return index > tokens.startIndex && tokens[index - 1] == .symbol(".") ? nil : name
            }
        }
        var depth = 0
        for (index, token) in statement.enumerated() {
            switch token {
            case .symbol("("), .symbol("["), .symbol("{"): depth += 1
            case .symbol(")"), .symbol("]"), .symbol("}"): depth -= 1
            case .symbol("="), .symbol("+="), .symbol("-="), .symbol("*="), .symbol("/="), .symbol(":="):
                if depth == 0 { defined.formUnion(names(statement[..<index])) }
                if case .name(let name)? = index > 0 ? statement[index - 1] : nil { defined.insert(name) }
            case .name("for"):
                let end = statement[index...].firstIndex(of: .name("in")) ?? statement.endIndex
                defined.formUnion(names(statement[(index + 1)..<end]))
            case .name("as"), .name("def"), .name("class"):
                if case .name(let name)? = index + 1 < statement.count ? statement[index + 1] : nil { defined.insert(name) }
            case .name("import"), .name("global"), .name("nonlocal"):
                defined.formUnion(names(statement[index...]))
            case .name("lambda"):
                let end = statement[index...].firstIndex(of: .symbol(":")) ?? statement.endIndex
                defined.formUnion(names(statement[(index + 1)..<end]))
            default:
                break
            }
        }
        if case .name("def")? = statement.first {
            defined.formUnion(names(statement[...]))
        }
    }
}
