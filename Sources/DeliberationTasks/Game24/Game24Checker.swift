import AgentTools

/// The exact check of an answer: the expression uses each of the puzzle's numbers
/// exactly once (and no other number), and the calculator, in exact rational
/// arithmetic, finds 24.
public enum Game24Checker {
    /// What the check found.
    public enum Verdict: Sendable, Equatable {
        /// The expression uses the puzzle's numbers and makes 24.
        case solves
        /// The expression uses other numbers than the puzzle's (those it used).
        case wrongNumbers(used: [Int])
        /// The expression's value is not 24 (the value).
        case wrongValue(String)
        /// The calculator could not read the expression (its error).
        case unreadable(String)
    }

    /// Checks `expression` (an "= 24" after it is ignored) against `puzzle`.
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
