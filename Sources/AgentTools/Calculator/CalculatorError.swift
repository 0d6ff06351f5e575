import Foundation

/// Why an expression has no value, and where: the message the model reads after
/// "error: ", e.g. "unexpected ')' at 7" or "division by zero at 3".
public struct CalculatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public var problem: Problem
    /// The 1-based column (in Unicode scalars) of the offending token or operator;
    /// nil when the problem is the whole expression or its end.
    public var column: Int?

    /// The error `problem`, at `column` when it has a place.
    public init(_ problem: Problem, at column: Int? = nil) {
        self.problem = problem
        self.column = column
    }

    /// The kinds of problems, each with what is needed to explain it.
    public enum Problem: Sendable, Equatable {
        // Reading the expression.
        /// There is nothing to evaluate.
        case emptyExpression
        /// The expression is longer than the limit.
        case inputTooLong(length: Int, limit: Int)
        /// A character that belongs to no token.
        case unexpectedCharacter(Character)
        /// A token where the grammar allows none of its kind.
        case unexpectedToken(String)
        /// The expression ends where a number was expected.
        case unexpectedEnd
        /// An opening parenthesis is never closed.
        case missingClosingParenthesis
        /// A number that cannot be read, such as "1.2.3".
        case malformedNumber(String)
        /// A number written with an exponent too large to read exactly.
        case literalExponentTooLarge(String)
        /// A function the calculator does not have, with the closest one it has.
        case unknownFunction(String, suggestion: String?)
        /// A name that is neither a constant nor a function, with the closest one.
        case unknownName(String, suggestion: String?)
        /// A function name not followed by its parenthesised arguments.
        case missingParentheses(function: String)
        /// A function called with the wrong number of arguments.
        case wrongArgumentCount(function: String, expected: String, got: Int)
        /// "of" without a percentage before it ("15% of 80").
        case ofWithoutPercentage
        /// Parentheses or operators nested deeper than the limit.
        case nestingTooDeep(limit: Int)
        // Computing its value.
        /// A division by zero.
        case divisionByZero
        /// A remainder after division by zero.
        case moduloByZero
        /// Zero raised to a negative power.
        case zeroToNegativePower
        /// A function applied outside its domain, with the explanation shown.
        case domain(String)
        /// The factorial of a negative or fractional number.
        case factorialNeedsNonNegativeInteger
        /// A factorial of a number above the limit.
        case factorialTooLarge(limit: Int)
        /// An exact result would have more digits than the limit.
        case tooManyDigits(estimated: Double, limit: Int)
        /// A floating-point result beyond the largest double.
        case overflow
        /// A nonzero floating-point result below the smallest double.
        case underflow
    }

    /// The message, with any control or bidirectional-formatting character the input
    /// brought in shown escaped (`\u{1B}`), so echoing it cannot act on a terminal.
    public var description: String { message.escapingControlCharacters() }

    private var message: String {
        let place = column.map { " at \($0)" } ?? ""
        switch problem {
        case .emptyExpression:
            return "empty expression"
        case .inputTooLong(let length, let limit):
            return "the expression is \(grouped(length)) characters long; the limit is \(grouped(limit))"
        case .unexpectedCharacter(let character):
            return "unexpected character '\(character)'\(place)"
        case .unexpectedToken(let text):
            return "unexpected '\(text)'\(place)"
        case .unexpectedEnd:
            return "expected a number at end"
        case .missingClosingParenthesis:
            return "missing ')' at end"
        case .malformedNumber(let text):
            return "malformed number '\(text)'\(place)"
        case .literalExponentTooLarge(let text):
            return "the exponent of '\(text)' is too large\(place)"
        case .unknownFunction(let name, let suggestion):
            return "unknown function '\(name)'\(place)" + (suggestion.map { " — did you mean '\($0)'?" } ?? "")
        case .unknownName(let name, let suggestion):
            return "unknown name '\(name)'\(place)" + (suggestion.map { " — did you mean '\($0)'?" } ?? "")
        case .missingParentheses(let function):
            return "'\(function)' needs parentheses, as in \(function)(2),\(place)"
        case .wrongArgumentCount(let function, let expected, let got):
            return "\(function) takes \(expected), got \(got)\(place)"
        case .ofWithoutPercentage:
            return "'of' needs a percentage before it, as in 15% of 80,\(place)"
        case .nestingTooDeep(let limit):
            return "nested more than \(limit) levels deep\(place)"
        case .divisionByZero:
            return "division by zero\(place)"
        case .moduloByZero:
            return "modulo by zero\(place)"
        case .zeroToNegativePower:
            return "zero to a negative power\(place)"
        case .domain(let explanation):
            return "\(explanation)\(place)"
        case .factorialNeedsNonNegativeInteger:
            return "factorial needs a non-negative integer\(place)"
        case .factorialTooLarge(let limit):
            return "factorial is limited to \(grouped(limit))!\(place)"
        case .tooManyDigits(let estimated, let limit):
            return "the result would have about \(approximateCount(estimated)) digits; the limit is \(grouped(limit))\(place)"
        case .overflow:
            return "the result is too large for floating point (beyond 1.8e+308)\(place)"
        case .underflow:
            return "the result is too small for floating point (below 5e-324)\(place)"
        }
    }

    /// Thousands separated by commas, for counts in messages ("10,000").
    private func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// A digit count that may be astronomically large (10^10^20 has 1e+20 digits).
    private func approximateCount(_ estimated: Double) -> String {
        if estimated < 1e15 { return grouped(Int(estimated.rounded())) }
        if estimated.isInfinite { return "more than 1e+308" }
        return String(format: "%.1e", estimated)
    }
}
