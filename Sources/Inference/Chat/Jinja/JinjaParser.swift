/// Builds the statement tree of a template from its segments.
struct JinjaParser {
    private let segments: [JinjaSegment]
    private var index = 0

    init(_ segments: [JinjaSegment]) { self.segments = segments }

    /// The whole template.
    mutating func parse() throws -> [JinjaNode] {
        let (nodes, end) = try block(until: [])
        if let (keyword, line) = end { throw JinjaError.syntax("unexpected {% \(keyword) %}", line: line) }
        return nodes
    }

    /// Nodes up to a statement whose first word is in `ends`; returns that statement's
    /// keyword and line (its tokens stay readable through `endTokens`), or nil at the end.
    private mutating func block(until ends: Set<String>) throws -> ([JinjaNode], (String, Int)?) {
        var nodes: [JinjaNode] = []
        while index < segments.count {
            let segment = segments[index]
            index += 1
            switch segment {
            case .text(let text):
                nodes.append(.text(text))
            case .output(let tokens, let line):
                var reader = JinjaExpressionParser(tokens, line: line)
                let expression = try reader.expression()
                try reader.expectEnd()
                nodes.append(.output(expression, line: line))
            case .statement(let tokens, let line):
                guard case .name(let keyword)? = tokens.first else {
                    throw JinjaError.syntax("a statement must start with a keyword", line: line)
                }
                if ends.contains(keyword) {
                    endTokens = Array(tokens.dropFirst())
                    return (nodes, (keyword, line))
                }
                if let node = try statement(keyword, JinjaExpressionParser(Array(tokens.dropFirst()), line: line), line: line) {
                    nodes.append(node)
                }
            }
        }
        if !ends.isEmpty {
            throw JinjaError.syntax("the template ends before {% \(ends.sorted().joined(separator: " / ")) %}", line: lastLine)
        }
        return (nodes, nil)
    }

    /// The tokens after the keyword of the statement that ended the last block.
    private var endTokens: [JinjaToken] = []

    private var lastLine: Int {
        for segment in segments.reversed() {
            if case .statement(_, let line) = segment { return line }
            if case .output(_, let line) = segment { return line }
        }
        return 1
    }

    private mutating func statement(_ keyword: String, _ reader: JinjaExpressionParser, line: Int) throws -> JinjaNode? {
        var reader = reader
        switch keyword {
        case "if":
            var branches: [(JinjaExpression, [JinjaNode])] = []
            var condition = try reader.expression()
            try reader.expectEnd()
            while true {
                let (body, end) = try block(until: ["elif", "else", "endif"])
                branches.append((condition, body))
                guard let (ending, endLine) = end else { break }
                if ending == "elif" {
                    var conditionReader = JinjaExpressionParser(endTokens, line: endLine)
                    condition = try conditionReader.expression()
                    try conditionReader.expectEnd()
                    continue
                }
                if ending == "else" {
                    let (otherwise, _) = try block(until: ["endif"])
                    return .ifChain(branches.map { (condition: $0.0, body: $0.1) }, otherwise: otherwise, line: line)
                }
                break
            }
            return .ifChain(branches.map { (condition: $0.0, body: $0.1) }, otherwise: [], line: line)
        case "for":
            let target = try reader.target()
            try reader.expectName("in")
            let iterable = try reader.expression(allowingConditional: false)
            var condition: JinjaExpression?
            if reader.consumeName("if") { condition = try reader.expression(allowingConditional: false) }
            let recursive = reader.consumeName("recursive")
            try reader.expectEnd()
            let (body, end) = try block(until: ["else", "endfor"])
            var otherwise: [JinjaNode] = []
            if end?.0 == "else" { (otherwise, _) = try block(until: ["endfor"]) }
            return .forLoop(JinjaForLoop(target: target, iterable: iterable, condition: condition, body: body,
                                         otherwise: otherwise, recursive: recursive, line: line))
        case "set":
            let target = try reader.target()
            if reader.atEnd, case .name(let name) = target {
                let (body, _) = try block(until: ["endset"])
                return .setBlock(name, body, line: line)
            }
            try reader.expectSymbol("=")
            let value = try reader.expressionOrTuple()
            try reader.expectEnd()
            return .set(target, value, line: line)
        case "macro":
            let name = try reader.name()
            let parameters = try reader.parameters()
            try reader.expectEnd()
            let (body, _) = try block(until: ["endmacro"])
            return .macro(JinjaMacro(name: name, parameters: parameters, body: body, line: line))
        case "call":
            let parameters = reader.peekSymbol("(") ? try reader.parameters() : []
            let call = try reader.expression()
            try reader.expectEnd()
            let (body, _) = try block(until: ["endcall"])
            return .callBlock(call, parameters: parameters, body: body, line: line)
        case "filter":
            let name = try reader.name()
            let arguments = reader.peekSymbol("(") ? try reader.callArguments() : JinjaCallArguments()
            try reader.expectEnd()
            let (body, _) = try block(until: ["endfilter"])
            return .filterBlock(name, arguments, body, line: line)
        case "break":
            return .breakLoop(line: line)
        case "continue":
            return .continueLoop(line: line)
        case "generation":
            // transformers marks the assistant's text with {% generation %}; it prints its body.
            let (body, _) = try block(until: ["endgeneration"])
            return .ifChain([(condition: .literal(.bool(true)), body: body)], otherwise: [], line: line)
        case "include", "import", "from", "extends", "block":
            throw JinjaError.unsupported("{% \(keyword) %}", line: line)
        default:
            throw JinjaError.syntax("unknown statement {% \(keyword) %}", line: line)
        }
    }
}
