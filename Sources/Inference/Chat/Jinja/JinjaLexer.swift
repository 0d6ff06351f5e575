/// One piece of a template's source: literal text, `{{ … }}` or `{% … %}`.
enum JinjaSegment: Equatable {
    case text(String)
    /// An expression to print, with the line it starts on.
    case output([JinjaToken], line: Int)
    /// A statement (`if`, `for`, `set`, …), with the line it starts on.
    case statement([JinjaToken], line: Int)
}

/// A token inside `{{ … }}` or `{% … %}`.
enum JinjaToken: Equatable {
    case name(String)
    case string(String)
    case int(Int)
    case double(Double)
    /// An operator or punctuation: `==`, `(`, `|`, `.`, …
    case symbol(String)
}

/// Splits a template into segments the way `jinja2` does with `trim_blocks` and
/// `lstrip_blocks` on (as transformers renders chat templates): `-` strips the
/// whitespace beside a tag, `+` keeps it, a newline right after a block tag or
/// comment is dropped, and spaces and tabs before a block tag at the start of a
/// line are removed. `{% raw %}` text is kept as it is.
struct JinjaLexer {
    private let source: [Character]
    private var position = 0
    private var line = 1

    init(_ source: String) { self.source = Array(source) }

    /// The segments of the whole template.
    mutating func segments() throws -> [JinjaSegment] {
        var segments: [JinjaSegment] = []
        var text = ""
        // Whether the text being read starts a line: at the template's start, or after a
        // tag whose end (with what it trimmed) ended with a newline.
        var lineStarting = true
        while position < source.count {
            guard let opening = tagOpening(at: position) else {
                text.append(source[position])
                advance()
                continue
            }
            let sign = position + 2 < source.count ? source[position + 2] : " "
            if sign == "-" {
                text = String(text.reversed().drop { $0.isWhitespace }.reversed())
            } else if sign != "+", opening != "{" {
                text = Self.strippingLineIndentation(text, lineStarting: lineStarting)
            }
            if !text.isEmpty { segments.append(.text(text)) }
            text = ""
            let startLine = line
            advance(by: 2)
            if sign == "-" || sign == "+" { advance() }
            let closing: String = opening == "{" ? "}}" : (opening == "%" ? "%}" : "#}")
            let (inner, rightSign) = try body(until: closing, opening: opening, line: startLine)
            var tokens: [JinjaToken] = []
            if opening != "#" {
                var tokenizer = JinjaTokenizer(inner, line: startLine)
                tokens = try tokenizer.tokens()
            }
            var endSign = rightSign
            if opening == "%", tokens == [.name("raw")] {
                let (raw, afterRawSign) = try rawText(line: startLine)
                if !raw.isEmpty { segments.append(.text(raw)) }
                endSign = afterRawSign
            } else if opening == "{" {
                segments.append(.output(tokens, line: startLine))
            } else if opening == "%" {
                segments.append(.statement(tokens, line: startLine))
            }
            lineStarting = consumeAfterTag(sign: endSign, trimsNewline: opening != "{")
        }
        if !text.isEmpty { segments.append(.text(text)) }
        return segments
    }

    /// What a tag's end takes from the text after it: all whitespace after `-`, one
    /// newline after a block tag or comment (`trim_blocks`) unless `+`. Returns whether
    /// the tag's end, with what it took, ended with a newline.
    private mutating func consumeAfterTag(sign: Character?, trimsNewline: Bool) -> Bool {
        var last: Character? = nil
        if sign == "-" {
            while position < source.count, source[position].isWhitespace {
                last = source[position]
                advance()
            }
        } else if sign != "+", trimsNewline, position < source.count, source[position] == "\n" || source[position] == "\r\n" {
            last = source[position]
            advance()
        }
        return last == "\n" || last == "\r\n"
    }

    /// The tag opened at `index` (`{`, `%` or `#`), if any.
    private func tagOpening(at index: Int) -> Character? {
        guard index + 1 < source.count, source[index] == "{" else { return nil }
        let next = source[index + 1]
        return next == "{" || next == "%" || next == "#" ? next : nil
    }

    /// `lstrip_blocks`: spaces and tabs between the last line start and a block tag go.
    private static func strippingLineIndentation(_ text: String, lineStarting: Bool) -> String {
        guard let lastNewline = text.lastIndex(where: { $0 == "\n" || $0 == "\r\n" }) else {
            return lineStarting && text.allSatisfy(\.isWhitespace) ? "" : text
        }
        let indentation = text[text.index(after: lastNewline)...]
        guard indentation.allSatisfy(\.isWhitespace) else { return text }
        return String(text[...lastNewline])
    }

    /// The tag's inner text up to `closing`, and the sign (`-`, `+` or none) before it.
    private mutating func body(until closing: String, opening: Character, line startLine: Int) throws -> (String, Character?) {
        let closingCharacters = Array(closing)
        var inner: [Character] = []
        var quote: Character?
        while position < source.count {
            let character = source[position]
            if opening != "#" {
                if let open = quote {
                    if character == "\\", position + 1 < source.count {
                        inner.append(character); advance()
                        inner.append(source[position]); advance()
                        continue
                    }
                    if character == open { quote = nil }
                } else if character == "'" || character == "\"" {
                    quote = character
                }
            }
            if quote == nil, position + 1 < source.count, source[position] == closingCharacters[0], source[position + 1] == closingCharacters[1] {
                advance(by: 2)
                var sign: Character?
                if let last = inner.last, last == "-" || last == "+" {
                    sign = last
                    inner.removeLast()
                }
                return (String(inner), sign)
            }
            inner.append(character)
            advance()
        }
        let kind = opening == "{" ? "expression" : (opening == "%" ? "statement" : "comment")
        throw JinjaError.syntax("the \(kind) opened here is never closed with \(closing)", line: startLine)
    }

    /// The text of a `{% raw %}` block up to its `{% endraw %}`, and that tag's right sign.
    private mutating func rawText(line startLine: Int) throws -> (String, Character?) {
        var raw = ""
        while position < source.count {
            if tagOpening(at: position) == "%" {
                let saved = (position, line)
                advance(by: 2)
                let leftSign = position < source.count ? source[position] : " "
                if leftSign == "-" || leftSign == "+" { advance() }
                if let (inner, sign) = try? body(until: "%}", opening: "%", line: line),
                   inner.trimmingWhitespace() == "endraw" {
                    if leftSign == "-" { raw = String(raw.reversed().drop { $0.isWhitespace }.reversed()) }
                    return (raw, sign)
                }
                (position, line) = saved
            }
            raw.append(source[position])
            advance()
        }
        throw JinjaError.syntax("{% raw %} is never closed with {% endraw %}", line: startLine)
    }

    private mutating func advance(by count: Int = 1) {
        for _ in 0..<count where position < source.count {
            if source[position] == "\n" || source[position] == "\r\n" { line += 1 }
            position += 1
        }
    }
}
