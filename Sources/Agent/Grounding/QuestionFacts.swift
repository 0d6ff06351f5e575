import Foundation

/// What a question itself says that grounds the tool calls answering it: its
/// numbers, its web addresses, and whether it asks for a drawing or a calculation.
/// Read with plain rules, so they hold whatever the wording.
public struct QuestionFacts: Sendable, Equatable {
    /// The numbers written in the question, as the calculator reads them (thousands
    /// separators dropped, "12.50" also as "12.5"), plus numbers spelled as words.
    public let numbers: Set<String>
    /// The numbers written in digits outside the question's addresses, in order, as
    /// written less their thousands separators ("7,344" → "7344").
    public let writtenNumbers: [String]
    /// The http and https addresses in the question, in order.
    public let urls: [String]
    /// Whether the question asks for a chart, plot or other figure.
    public let asksForFigure: Bool
    /// Whether the question asks for arithmetic: two numbers or more, or one number and
    /// an arithmetic word ("percent", "twice", "half", an operator sign…).
    public let asksForArithmetic: Bool

    /// The facts of `question`.
    public init(_ question: String) {
        urls = Self.urls(in: question)
        var withoutURLs = question
        for url in urls { withoutURLs = withoutURLs.replacingOccurrences(of: url, with: " ") }
        let written = Self.writtenNumbers(in: withoutURLs)
        writtenNumbers = written
        let spelled = Self.spelledNumbers(in: withoutURLs)
        numbers = Set(written.flatMap(Self.forms) + spelled)
        let words = Set(withoutURLs.lowercased().split { !$0.isLetter }.map(String.init))
        asksForFigure = !words.isDisjoint(with: Self.figureWords)
        let operatorSign = withoutURLs.contains { "+*×÷/=%−".contains($0) } || withoutURLs.range(of: #"\d\s*[-x]\s*\d"#, options: .regularExpression) != nil
        let arithmeticWord = !words.isDisjoint(with: Self.arithmeticWords)
        asksForArithmetic = !asksForFigure && (written.count >= 2 || (!(written.isEmpty && spelled.isEmpty) && (operatorSign || arithmeticWord)))
    }

    /// The addresses in `text`, without trailing punctuation.
    public static func urls(in text: String) -> [String] {
        text.split { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" }.compactMap { word in
            guard let start = word.range(of: "http://") ?? word.range(of: "https://") else { return nil }
            var url = word[start.lowerBound...]
            while let last = url.last, ".,;:!?)]}'".contains(last) { url = url.dropLast() }
            return url.count > 8 ? String(url) : nil
        }
    }

    /// The numbers in `text` as written: "7,344" → "7344", "12.50" → "12.50".
    public static func writtenNumbers(in text: String) -> [String] {
        let pattern = #"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"#
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).compactMap { match in
            Range(match.range, in: text).map { text[$0].replacingOccurrences(of: ",", with: "") }
        }
    }

    /// A number and the other ways a calculator input may write it: "12.50" and "12.5",
    /// "007" and "7".
    public static func forms(of number: String) -> [String] {
        var forms = [number]
        if number.contains(".") {
            var trimmed = number
            while trimmed.hasSuffix("0") { trimmed.removeLast() }
            if trimmed.hasSuffix(".") { trimmed.removeLast() }
            forms.append(trimmed)
        }
        let withoutLeadingZeros = String(number.drop { $0 == "0" })
        if !withoutLeadingZeros.isEmpty, !withoutLeadingZeros.hasPrefix(".") { forms.append(withoutLeadingZeros) }
        return forms
    }

    /// Numbers spelled as words ("three", "a dozen", "half", "twice"), as digits;
    /// a fraction word gives both ways to use it ("half": 2 and 0.5).
    static func spelledNumbers(in text: String) -> [String] {
        let words = text.lowercased().split { !$0.isLetter }.map(String.init)
        return words.flatMap { spelledNumberValues[$0] ?? [] }
    }

    static let spelledNumberValues: [String: [String]] = [
        "zero": ["0"], "one": ["1"], "two": ["2"], "three": ["3"], "four": ["4"], "five": ["5"], "six": ["6"], "seven": ["7"],
        "eight": ["8"], "nine": ["9"], "ten": ["10"], "eleven": ["11"], "twelve": ["12"], "thirteen": ["13"], "fourteen": ["14"],
        "fifteen": ["15"], "sixteen": ["16"], "seventeen": ["17"], "eighteen": ["18"], "nineteen": ["19"], "twenty": ["20"],
        "thirty": ["30"], "forty": ["40"], "fifty": ["50"], "sixty": ["60"], "seventy": ["70"], "eighty": ["80"], "ninety": ["90"],
        "hundred": ["100"], "thousand": ["1000"], "million": ["1000000"], "dozen": ["12"], "dozens": ["12"],
        "half": ["2", "0.5"], "halves": ["2", "0.5"], "twice": ["2"], "double": ["2"], "doubles": ["2"], "doubled": ["2"],
        "triple": ["3"], "tripled": ["3"], "thrice": ["3"], "quarter": ["4", "0.25"], "third": ["3"], "pair": ["2"], "pairs": ["2"],
    ]

    static let figureWords: Set<String> = [
        "plot", "plots", "plotting", "chart", "charts", "graph", "graphs", "draw", "drawing", "diagram", "histogram",
        "visualise", "visualize", "visualisation", "visualization", "sketch", "figure", "barplot", "piechart",
    ]

    static let arithmeticWords: Set<String> = [
        "percent", "percentage", "cent", "times", "multiply", "multiplied", "product", "divide", "divided", "quotient",
        "sum", "total", "add", "plus", "minus", "subtract", "difference", "less", "average", "mean", "twice", "half",
        "double", "triple", "each", "per", "altogether", "left", "remain", "remaining", "more", "fewer", "cost", "costs",
        "spend", "spent", "save", "saves", "earn", "earns", "pay", "paid", "square", "root", "power", "squared", "cubed",
    ]
}
