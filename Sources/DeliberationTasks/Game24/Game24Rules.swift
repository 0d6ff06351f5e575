/// The rules of a move: take two of the numbers left, combine them with one of
/// + − × ÷, and put the result back. Results must be positive whole numbers, as in
/// the usual table game (every puzzle of the public 4nums.com list up to rank 900
/// we use can be solved that way).
public struct Game24State: Sendable, Equatable {
    /// A number left and the expression it came from ("12" came from "4 + 8").
    public struct Entry: Sendable, Equatable {
        /// The number.
        public var value: Int
        /// The expression of the puzzle's numbers it came from.
        public var expression: String
    }

    /// The numbers left, in the order they were made.
    public var entries: [Entry]

    /// The state at the start: the puzzle's numbers.
    public init(numbers: [Int]) {
        entries = numbers.map { Entry(value: $0, expression: String($0)) }
    }

    /// The numbers left.
    public var values: [Int] { entries.map(\.value) }

    /// The numbers left as the prompts write them: "4 6 12".
    public var listed: String { values.map(String.init).joined(separator: " ") }

    /// Every move a player may write, as "a op b =" with the numbers left: the
    /// grammar the model's next thought is held to. It lists what may be written,
    /// not what is good: the model chooses.
    public var moves: [String] {
        var moves: [String] = []
        for first in entries.indices {
            for second in entries.indices where second != first {
                for symbol in Game24Move.symbols {
                    let move = "\(entries[first].value) \(symbol) \(entries[second].value) ="
                    if !moves.contains(move) { moves.append(move) }
                }
            }
        }
        return moves
    }

    /// The state after `move`, or why the move breaks the rules.
    public func applying(_ move: Game24Move, result: Int?) -> Result<Game24State, Game24RuleError> {
        var rest = entries
        guard let first = rest.firstIndex(where: { $0.value == move.left }) else { return .failure(.notLeft(move.left, listed)) }
        let a = rest.remove(at: first)
        guard let second = rest.firstIndex(where: { $0.value == move.right }) else { return .failure(.notLeft(move.right, listed)) }
        let b = rest.remove(at: second)
        guard let result, result > 0 else { return .failure(.notPositiveWhole(move.text)) }
        var next = self
        next.entries = rest + [Entry(value: result, expression: "\(Self.grouped(a.expression)) \(move.symbol) \(Self.grouped(b.expression))")]
        return .success(next)
    }

    /// An expression as an operand: in parentheses unless it is a number.
    static func grouped(_ expression: String) -> String {
        expression.allSatisfy(\.isNumber) ? expression : "(\(expression))"
    }
}

/// A move as written: "4 + 8".
public struct Game24Move: Sendable, Equatable {
    /// The operators a move may use.
    public static let symbols = ["+", "-", "*", "/"]
    /// The first number.
    public var left: Int
    /// One of `symbols`.
    public var symbol: String
    /// The second number.
    public var right: Int

    /// Reads "4 + 8" (spaces optional; × and ÷ accepted).
    public init?(_ text: String) {
        let normalized = text.replacingOccurrences(of: "×", with: "*").replacingOccurrences(of: "÷", with: "/")
            .replacingOccurrences(of: "=", with: "")
        guard let match = normalized.wholeMatch(of: /\s*(\d+)\s*([-+*\/])\s*(\d+)\s*/),
            let left = Int(match.output.1), let right = Int(match.output.3)
        else { return nil }
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
    case notLeft(Int, String)
    /// The move's result is not a positive whole number.
    case notPositiveWhole(String)

    /// What the model reads about the broken move.
    public var description: String {
        switch self {
        case .notLeft(let number, let listed): "\(number) is not among the numbers left (\(listed))"
        case .notPositiveWhole(let move): "\(move) is not a positive whole number"
        }
    }
}
