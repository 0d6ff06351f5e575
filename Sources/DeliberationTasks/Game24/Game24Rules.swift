import AgentTools

/// The rules of a move: take two of the numbers left, combine them with one of
/// + − × ÷, and put the result back. Results must be positive; they may be
/// fractions, as in the standard game (3 3 8 8 needs 8 ÷ (3 − 8 ÷ 3)). Any
/// solution through a negative intermediate has one without, so the rule loses none.
public struct Game24State: Sendable, Equatable {
    /// A number left and the expression it came from ("12" came from "4 + 8").
    public struct Entry: Sendable, Equatable {
        /// The number.
        public var value: Game24Number
        /// The expression of the puzzle's numbers it came from.
        public var expression: String
    }

    /// The numbers left, in the order they were made.
    public var entries: [Entry]

    /// The state at the start: the puzzle's numbers.
    public init(numbers: [Int]) {
        entries = numbers.map { Entry(value: Game24Number($0), expression: String($0)) }
    }

    /// The numbers left.
    public var values: [Game24Number] { entries.map(\.value) }

    /// The numbers left as the prompts write them: "4 6 12", "8 1/3".
    public var listed: String { values.map(\.description).joined(separator: " ") }

    /// The numbers left, smallest first: states with the same multiset are one state,
    /// whichever moves reached them.
    public var key: String { values.sorted().map(\.description).joined(separator: " ") }

    /// Every legal move, as "a op b =" with the numbers left: the thoughts a model
    /// may write from here. Equivalent moves are listed once: a + b and b + a (and ×)
    /// as the larger number first, and two equal numbers as one pair; subtraction
    /// only where the result is positive. It lists what may be written, not what is
    /// good: the model chooses.
    public var moves: [String] {
        var moves: [String] = []
        for first in values.indices {
            for second in values.indices where second > first {
                let (large, small) = values[first] < values[second] ? (values[second], values[first]) : (values[first], values[second])
                var pair = ["\(large) + \(small) =", "\(large) * \(small) ="]
                if small < large { pair.append("\(large) - \(small) =") }
                pair.append("\(large) / \(small) =")
                if small < large { pair.append("\(small) / \(large) =") }
                for move in pair where !moves.contains(move) { moves.append(move) }
            }
        }
        return moves
    }

    /// The state after `move` whose value is `result`, or why the move breaks the rules.
    public func applying(_ move: Game24Move, result: Game24Number?) -> Result<Game24State, Game24RuleError> {
        var rest = entries
        guard let first = rest.firstIndex(where: { $0.value == move.left }) else { return .failure(.notLeft(move.left, listed)) }
        let a = rest.remove(at: first)
        guard let second = rest.firstIndex(where: { $0.value == move.right }) else { return .failure(.notLeft(move.right, listed)) }
        let b = rest.remove(at: second)
        guard let result, result.isPositive else { return .failure(.notPositive(move.text)) }
        var next = self
        next.entries = rest + [Entry(value: result, expression: "\(Self.grouped(a.expression)) \(move.symbol) \(Self.grouped(b.expression))")]
        return .success(next)
    }

    /// The value of `move` by the calculator's exact arithmetic; nil when it has none
    /// (division by zero) or it is not exact.
    public static func value(of move: Game24Move, calculator: Calculator = Calculator()) -> Game24Number? {
        guard let output = try? calculator.evaluate("(\(move.left)) \(move.symbol) (\(move.right))") else { return nil }
        return Game24Number(calculatorOutput: output)
    }

    /// An expression as an operand: in parentheses unless it is a number.
    static func grouped(_ expression: String) -> String {
        expression.allSatisfy(\.isNumber) ? expression : "(\(expression))"
    }
}

/// A move as written: "4 + 8", "3 - 8/3".
public struct Game24Move: Sendable, Equatable {
    /// The operators a move may use.
    public static let symbols = ["+", "-", "*", "/"]
    /// The first number.
    public var left: Game24Number
    /// One of `symbols`.
    public var symbol: String
    /// The second number.
    public var right: Game24Number

    /// Reads "4 + 8" (× and ÷ accepted). A fraction is written without spaces
    /// ("8/3") and the operator with them ("8 / 8/3"); between whole numbers the
    /// spaces may be left out ("4+8").
    public init?(_ text: String) {
        let normalized = text.replacingOccurrences(of: "×", with: "*").replacingOccurrences(of: "÷", with: "/")
            .replacingOccurrences(of: "=", with: "")
        let match = normalized.wholeMatch(of: /\s*(\d+(?:\/\d+)?)\s+([-+*\/])\s+(\d+(?:\/\d+)?)\s*/)
            ?? normalized.wholeMatch(of: /\s*(\d+)\s*([-+*\/])\s*(\d+)\s*/)
        guard let match, let left = Game24Number(match.output.1), let right = Game24Number(match.output.3) else { return nil }
        self.left = left
        symbol = String(match.output.2)
        self.right = right
    }

    /// The move as the prompts write it: "4 + 8".
    public var text: String { "\(left) \(symbol) \(right)" }
}

/// Why a move breaks the rules.
public enum Game24RuleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The number is not among those left (listed).
    case notLeft(Game24Number, String)
    /// The move's result is not a positive number.
    case notPositive(String)

    /// What the model reads about the broken move.
    public var description: String {
        switch self {
        case .notLeft(let number, let listed): "\(number) is not among the numbers left (\(listed))"
        case .notPositive(let move): "\(move) is not positive"
        }
    }
}
