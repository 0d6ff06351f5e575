import AgentTools

/// The exact check of an answer: the expression uses each of the puzzle's numbers
/// exactly once (and no other number), and the calculator, in exact rational
/// arithmetic, finds 24.
public enum Game24Checker {
    public enum Verdict: Sendable, Equatable {
        case solves
        case wrongNumbers(used: [Int])
        case wrongValue(String)
        case unreadable(String)
    }

    public static func check(_ expression: String, puzzle: Game24Puzzle, calculator: Calculator = Calculator()) -> Verdict {
        let left = expression.split(separator: "=").first.map(String.init) ?? expression
        let used = left.matches(of: /\d+(?:\.\d+)?/).compactMap { Int($0.output) }
        let usesDecimals = left.contains(/\d\.\d/)
        guard !usesDecimals, used.sorted() == puzzle.numbers.sorted() else { return .wrongNumbers(used: used) }
        do {
            let value = try calculator.evaluate(left)
            return value == String(Game24Puzzle.target) ? .solves : .wrongValue(value)
        } catch {
            return .unreadable("\(error)")
        }
    }
}
