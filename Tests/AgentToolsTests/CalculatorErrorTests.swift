import Testing
@testable import AgentTools

/// Every error message, with the column it names.
struct CalculatorErrorTests {
    @Test("reading errors", arguments: [
        ("", "error: empty expression"), ("   ", "error: empty expression"),
        ("(1+2", "error: missing ')' at end"), ("max(1, 2", "error: missing ')' at end"),
        ("1 + 2 )", "error: unexpected ')' at 7"), ("(1+2))", "error: unexpected ')' at 6"),
        ("1 +", "error: expected a number at end"), ("-", "error: expected a number at end"),
        ("1 + * 2", "error: unexpected '*' at 5"), ("()", "error: unexpected ')' at 2"),
        ("max(1,)", "error: unexpected ')' at 7"), ("2 # 3", "error: unexpected character '#' at 3"),
        ("1 = 2", "error: unexpected character '=' at 3"), ("=", "error: unexpected character '=' at 1"),
        ("2 × @", "error: unexpected character '@' at 5"), ("1.2.3", "error: malformed number '1.2.3' at 1"),
        ("1e99999", "error: the exponent of '1e99999' is too large at 1"),
        ("sine(1)", "error: unknown function 'sine' at 1 — did you mean 'sin'?"),
        ("2 * sqroot(4)", "error: unknown function 'sqroot' at 5 — did you mean 'sqrt'?"),
        ("sqtr(4)", "error: unknown function 'sqtr' at 1 — did you mean 'sqrt'?"),
        ("foo(2)", "error: unknown function 'foo' at 1"),
        ("2 + pie", "error: unknown name 'pie' at 5 — did you mean 'pi'?"),
        ("2 apples", "error: unknown name 'apples' at 3"), ("x", "error: unknown name 'x' at 1"),
        ("sqrt 4", "error: 'sqrt' needs parentheses, as in sqrt(2), at 1"),
        ("sqrt(1, 2)", "error: sqrt takes 1 argument, got 2 at 1"),
        ("max()", "error: max takes at least 1 argument, got 0 at 1"),
        ("atan2(1)", "error: atan2 takes 2 arguments, got 1 at 1"),
        ("1 + log(1, 2, 3)", "error: log takes 1 or 2 arguments, got 3 at 5"),
        ("2 of 3", "error: 'of' needs a percentage before it, as in 15% of 80, at 3"),
        ("of 3", "error: unexpected 'of' at 1"), ("2 3", "error: unexpected '3' at 3"),
    ])
    func readingErrors(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("computing errors name the operator or function", arguments: [
        ("1/0", "error: division by zero at 2"), ("1 / (3 - 3)", "error: division by zero at 3"),
        ("pi / 0", "error: division by zero at 4"), ("5 % 0", "error: modulo by zero at 3"),
        ("5 mod 0.0", "error: modulo by zero at 3"), ("0^-1", "error: zero to a negative power at 2"),
        ("0.0^(-0.5)", "error: zero to a negative power at 4"),
        ("sqrt(-4)", "error: sqrt of a negative number at 1"), ("2 + sqrt(-4)", "error: sqrt of a negative number at 5"),
        ("(-4)^0.5", "error: a negative number to a fractional power has no real value at 5"),
        ("(-pi)^0.5", "error: a negative number to a fractional power has no real value at 6"),
        ("ln(0)", "error: ln of a number that is not positive at 1"),
        ("log(-1)", "error: log of a number that is not positive at 1"),
        ("asin(2)", "error: asin needs a number from -1 to 1 at 1"),
        ("acos(-1.5)", "error: acos needs a number from -1 to 1 at 1"),
        ("log(8, 1)", "error: the base of a logarithm must be positive and not 1 at 1"),
        ("log(8, -2)", "error: the base of a logarithm must be positive and not 1 at 1"),
        ("(-1)!", "error: factorial needs a non-negative integer at 5"),
        ("2.5!", "error: factorial needs a non-negative integer at 4"),
        ("pi!", "error: factorial needs a non-negative integer at 3"),
        ("gcd(2.5, 5)", "error: gcd needs integers at 1"), ("lcm(pi, 2)", "error: lcm needs integers at 1"),
        ("round(2, 0.5)", "error: round's digits must be an integer from -1000 to 1000 at 1"),
        ("exp(1000)", "error: the result is too large for floating point (beyond 1.8e+308) at 1"),
        ("10^400 * pi", "error: the result is too large for floating point (beyond 1.8e+308) at 8"),
        ("2^-5000", "error: the result is too small for floating point (below 5e-324) at 2"),
        ("sin(10^400)", "error: sin of a number beyond the floating-point range at 1"),
    ])
    func computingErrors(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("errors are typed: problem and column")
    func typedErrors() {
        #expect(throws: CalculatorError(.divisionByZero, at: 2)) { try Calculator().evaluate("1/0") }
        #expect(throws: CalculatorError(.missingClosingParenthesis)) { try Calculator().evaluate("(1") }
        #expect(throws: CalculatorError(.unknownFunction("sine", suggestion: "sin"), at: 1)) { try Calculator().evaluate("sine(1)") }
    }

    @Test("edit distance counts swaps of neighbours as one")
    func editDistance() {
        #expect(NameSuggestions.editDistance(Array("sqtr"), Array("sqrt")) == 1)
        #expect(NameSuggestions.editDistance(Array("sine"), Array("sin")) == 1)
        #expect(NameSuggestions.editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(NameSuggestions.closest(to: "cosine", among: MathFunction.allNames) == nil)
        #expect(NameSuggestions.closest(to: "logg", among: MathFunction.allNames) == "log")
    }
}
