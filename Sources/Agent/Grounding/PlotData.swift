/// The data a plotting question lists, and the check of plotting code against it: the
/// code's numbers must be the question's, all of them and no invented ones, and the
/// names the question attaches to them must be quoted strings in the code.
///
/// Read with plain rules about how numbers are written in English text: a number is data
/// when nothing marks it as something else (a count before a list, "the 4 seasons: …",
/// a year after "in", a figure size in inches, a label before a colon, "2019: 40").
/// Questions about functions ("y = sin(x) from 0 to 2*pi") have no data.
public struct PlotDataCheck: Sendable {
    /// The question's data numbers, in order, repeats kept.
    public let numbers: [Double]
    /// The names attached to the data numbers ("New York 85" → "New York"), in order,
    /// each once.
    public let labels: [String]
    /// Every number the question writes, with the other ways code may write it
    /// ("20%" also 0.2, "1.5 million" also 1,500,000).
    let known: [QuestionNumber]

    /// The check for `question`.
    public init(question: String) {
        let reading = QuestionReading(question)
        known = reading.numbers
        numbers = reading.dataNumbers.map(\.value)
        labels = reading.labels
    }

    /// The data numbers of `question` (see `numbers`).
    public static func numbers(inQuestion question: String) -> [Double] {
        PlotDataCheck(question: question).numbers
    }

    /// The names attached to the data numbers of `question` (see `labels`).
    public static func labels(inQuestion question: String) -> [String] {
        PlotDataCheck(question: question).labels
    }

    /// Nil when `code` is fine; else one short line for the model: labels written as
    /// bare names first, then data numbers missing from the code or not in the question.
    ///
    /// Numbers the code may write besides the question's: whole numbers -10–10, 100 and
    /// 1000, numbers between -1 and 1 (unless the data has such), anything in
    /// a keyword argument other than data ones (`figsize=`, `alpha=`, `bins=`…), in a
    /// style call (`plt.xlim(0, 100)`), or assigned to a style name (`width = 0.35`), and
    /// a range's end one past a question number or past the count of data numbers.
    public func problem(code: String) -> String? {
        let reading = CodeReading(code)
        let bare = labels.filter { reading.usesBareName($0) }
        if !bare.isEmpty {
            return "labels must be quoted strings: " + bare.prefix(Self.listedItems).map { "\"\($0)\"" }.joined(separator: ", ")
        }
        guard !numbers.isEmpty else { return nil }
        // Offsets and widths ("x - 0.2") are fractions; unless the data has fractions too.
        let fractionsAreFree = !numbers.contains { $0 != 0 && abs($0) < 1 }
        func isFree(_ value: Double) -> Bool {
            Self.isSmallWholeNumber(value) || Self.conversionFactors.contains(value) || (fractionsAreFree && abs(value) < 1)
        }
        var dataLiterals: [Double] = []
        var invented = false
        for literal in reading.numbers {
            let isKnown = known.contains { $0.matches(literal.value) }
            if literal.isStyle { continue }
            if literal.inRange && !isKnown && isRangeEnd(literal.value) { continue }
            if !isKnown && !isFree(literal.value) { invented = true }
            if isKnown || !isFree(literal.value) { dataLiterals.append(literal.value) }
        }
        let data = reading.numbers.filter { !$0.isStyle }.map(\.value)
        // Positions 1, 2, 3 may come from a range rather than be written out.
        let usesRange = reading.numbers.contains(where: \.inRange)
        let missing = known.filter(\.isData).filter { number in
            !data.contains { number.matches($0) } && !(usesRange && Self.isSmallWholeNumber(number.value))
        }
        guard invented || !missing.isEmpty else { return nil }
        let wanted = Self.list(numbers)
        if invented {
            let has = dataLiterals.isEmpty ? "none" : Self.list(dataLiterals)
            return "the data must be the question's numbers: \(wanted) (the code has \(has))"
        }
        return "the data must be the question's numbers: \(wanted) (the code lacks \(Self.list(missing.map(\.value))))"
    }

    /// How many numbers or labels one line lists.
    static let listedItems = 12

    /// A range's end just past a question number, or past the number of data values.
    private func isRangeEnd(_ value: Double) -> Bool {
        value == Double(numbers.count) + 1 || known.contains { $0.matches(value - 1) }
    }

    /// Whole numbers from -10 to 10 (counts, indices, `[::-1]`).
    static func isSmallWholeNumber(_ value: Double) -> Bool {
        abs(value) <= 10 && value == value.rounded()
    }

    /// Factors code multiplies or divides by to change units: percent, thousands.
    static let conversionFactors: Set<Double> = [100, 1000]

    /// "40, 55, 61", repeats dropped, at most `listedItems`.
    static func list(_ values: [Double]) -> String {
        var seen: [Double] = []
        for value in values where !seen.contains(value) { seen.append(value) }
        let shown = seen.prefix(listedItems).map(written)
        return shown.joined(separator: ", ") + (seen.count > listedItems ? ", …" : "")
    }

    /// As Python would write it: "40", "12.5", "-3".
    static func written(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

/// A number in a question: its value, the other values code may write for it, and
/// whether it is data.
struct QuestionNumber: Sendable {
    var value: Double
    var alternatives: [Double] = []
    var isData = true

    func matches(_ candidate: Double) -> Bool {
        ([value] + alternatives).contains { abs($0 - candidate) <= 1e-9 * max(1, abs($0)) }
    }
}

extension Character {
    /// An ASCII digit.
    var isWholeNumberDigit: Bool { isASCII && isNumber }
}
