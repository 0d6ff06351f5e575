import Testing
@testable import AgentTools

/// How expressions are read: precedence, the ways people write operators,
/// percentages, thousands separators and implicit multiplication.
struct CalculatorSyntaxTests {
    @Test("precedence and associativity", arguments: [
        ("2+3*4", "14"), ("(2+3)*4", "20"), ("2*3^2", "18"), ("10-4-3", "3"), ("100/10/5", "2"),
        // ^ is right-associative and binds tighter than unary minus.
        ("-2^2", "-4"), ("(-2)^2", "4"), ("2^-2", "0.25"), ("2^3^2", "512"), ("(2^3)^2", "64"),
        ("-2^-2", "-0.25"), ("2^2^-1", "1.4142135623731"),
        // Postfix factorial binds tightest.
        ("-3!", "-6"), ("2^3!", "64"), ("3!^2", "36"), ("3!!", "720"), ("2*3!", "12"),
        // Modulo sits with * and /, left to right.
        ("2*3%4", "2"), ("7 % 4 * 2", "6"), ("17 mod 5", "2"), ("-5 mod 3", "1"),
        // Signs.
        ("--2", "2"), ("+-+2", "-2"), ("3 - -2", "5"), ("2 * -3", "-6"),
    ])
    func precedence(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("operators as people write them", arguments: [
        ("24 x 78", "1872"), ("24x78", "1872"), ("24 X 78", "1872"), ("24 × 78", "1872"), ("2 · 3 ⋅ 4", "24"),
        ("8 ÷ 2", "4"), ("2 ** 10", "1024"), ("5 − 3", "2"), ("5 – 3", "2"), ("−5", "-5"),
        ("5²", "25"), ("2³", "8"), ("-3²", "-9"), ("√16", "4"), ("√(9/4)", "1.5"), ("2√9", "6"),
        ("π", "3.14159265358979"), ("PI", "3.14159265358979"), ("Sqrt(4)", "2"),
        ("  1 +\n 2\t", "3"), ("24*78 =", "1872"), ("24 * 78=  ", "1872"),
        ("1.5e3", "1500"), ("2.5E-3", "0.0025"), ("1e+2", "100"), (".5 + 5.", "5.5"),
    ])
    func operators(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("percentages: of, added, taken off, alone; % between operands is modulo", arguments: [
        ("15% of 80", "12"), ("80 + 15%", "92"), ("200 - 10%", "180"), ("50%", "0.5"),
        ("80 × 15%", "12"), ("200 / 10%", "2000"), ("10 + 20 + 10%", "33"), ("80 + 15% of 20", "83"),
        ("15% of 80 + 5", "17"), ("(15%) of 80", "12"), ("-15% of 80", "-12"), ("80 - -10%", "88"),
        ("80 + (15%)", "92"), ("50% x 2", "1"), ("12.5% of 1,000", "125"), ("(1+2)%", "0.03"),
        ("10 % 3", "1"), ("10%3", "1"), ("10 % (2+1)", "1"), ("-7 % 3", "2"), ("7 % (-3)", "-2"),
        ("5.5 % 2", "1.5"), ("10 % 3%", "0.01"),
        // A sign after "%" makes it a percentage: 10% - 3.
        ("10 % -3", "-2.9"),
    ])
    func percentages(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("thousands separators outside function arguments, argument commas inside", arguments: [
        ("1,234", "1234"), ("1,234,567.5", "1234567.5"), ("1,234 + 1", "1235"), ("(1,234)", "1234"),
        ("-1,000,000", "-1000000"), ("max(1,234)", "234"), ("max(1, 234)", "234"), ("max((1,234), 5)", "1234"),
        ("gcd(1,000, 10)", "1"), ("2 * (1,000 + 1)", "2002"),
        // Only a function's parenthesis opens an argument list.
        ("10% of (1,000 + 1)", "100.1"), ("7 mod (1,000)", "7"), ("pi(1,000) / pi", "1000"),
    ])
    func separators(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("commas that are not separators", arguments: [
        ("1,23", "error: unexpected ',' at 2"), ("1,2345", "error: unexpected ',' at 2"),
        ("12,34", "error: unexpected ',' at 3"), ("1234,567", "error: unexpected ',' at 5"),
        ("3,5", "error: unexpected ',' at 2"), ("1,234,56", "error: unexpected ',' at 6"),
    ])
    func notSeparators(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("implicit multiplication: same precedence as *, never between two numbers", arguments: [
        ("2pi", "6.28318530717959"), ("2 pi", "6.28318530717959"), ("2(3+4)", "14"), ("(1+2)(3+4)", "21"),
        ("2 sqrt(16)", "8"), ("1/2pi", "1.5707963267949"), ("2pi^2", "19.7392088021787"), ("-2(3)", "-6"),
        ("2e", "5.43656365691809"), ("3!(2)", "12"), ("pi(2)", "6.28318530717959"),
        ("2 3", "error: unexpected '3' at 3"), ("(2)3", "error: unexpected '3' at 4"),
    ])
    func implicitMultiplication(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("the parser builds the tree the grammar promises")
    func treeShape() throws {
        let tokens = try Lexer.tokenize("1 + 2 * 3 ^ 4 ^ 5", maximumExponent: 100)
        let tree = try Parser.parse(tokens, maximumDepth: 200)
        guard case .binary(.add, _, let product) = tree.kind, case .binary(.multiply, _, let power) = product.kind,
              case .binary(.power, _, let exponent) = power.kind, case .binary(.power, _, _) = exponent.kind else {
            Issue.record("unexpected tree \(tree)")
            return
        }
        #expect(tree.column == 3)
        #expect(power.column == 11)
        #expect(exponent.column == 15)
    }

    @Test("the lexer keeps columns in Unicode scalars and reads literals exactly")
    func lexerColumns() throws {
        let tokens = try Lexer.tokenize("√2 × 1,234.5e1", maximumExponent: 100)
        #expect(tokens.map(\.column) == [1, 2, 4, 6, 15])
        #expect(tokens[3].kind == .number(Rational(12345)))
        #expect(tokens[3].text == "1,234.5e1")
    }
}
