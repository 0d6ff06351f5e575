import Foundation

/// The first lines of plotting code, written from the question rather than by the
/// model: the import, then the question's data as Python lists — `labels` and `values`,
/// `x` and `y` for points, `values` alone for a bare list. The model goes on from there
/// and writes the plotting itself (which chart, which arguments).
///
/// A 135M model copying six labelled numbers into code drops one, invents one, or
/// leaves a label unquoted; copying the data is no part of choosing a chart, so the
/// planner does it. A function's plot has no data: it gets only the import.
public enum PlotCodeStart {
    /// The code's first lines for `question`, each ending in a newline; `data` is the
    /// question's reading, when the caller has it already.
    public static func code(for question: String, data: PlotDataCheck? = nil) -> String {
        var lines = ["import matplotlib.pyplot as plt"]
        let points = Self.points(in: question)
        let data = data ?? PlotDataCheck(question: question)
        if points.count >= 2 {
            lines.append("x = " + list(points.map(\.x)))
            lines.append("y = " + list(points.map(\.y)))
        } else if !data.numbers.isEmpty {
            if data.labels.count == data.numbers.count {
                lines.append("labels = [" + data.labels.map(quoted).joined(separator: ", ") + "]")
            }
            lines.append("values = " + list(data.numbers))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The points "(x, y)" the question writes.
    static func points(in question: String) -> [(x: Double, y: Double)] {
        let pattern = #"\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)"#
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        return expression.matches(in: question, range: NSRange(question.startIndex..., in: question)).compactMap { match in
            guard let x = Range(match.range(at: 1), in: question).flatMap({ Double(question[$0]) }),
                let y = Range(match.range(at: 2), in: question).flatMap({ Double(question[$0]) })
            else { return nil }
            return (x, y)
        }
    }

    static func list(_ values: [Double]) -> String {
        "[" + values.map(PlotDataCheck.written).joined(separator: ", ") + "]"
    }

    /// A Python string literal of `text`.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
