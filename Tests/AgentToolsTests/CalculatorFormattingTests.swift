import Foundation
import Testing
@testable import AgentTools

/// The text the model reads for integers, fractions, decimals and floats.
struct CalculatorFormattingTests {
    @Test("integers: every digit", arguments: [
        ("2^64", "18446744073709551616"), ("-2^64", "-18446744073709551616"), ("0", "0"), ("-0", "0"),
        ("10^30", "1000000000000000000000000000000"), ("1e20", "100000000000000000000"), ("7/7", "1"),
    ])
    func integers(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("fractions: the exact decimal when it ends within 40 digits, else 15 digits and the short fraction", arguments: [
        ("0.1 + 0.2", "0.3"), ("1/8", "0.125"), ("-5/2", "-2.5"), ("1/2^20", "0.00000095367431640625"),
        ("123456789.123456789 + 1", "123456790.123456789"), ("2^60 + 0.5", "1152921504606846976.5"),
        ("1/3", "0.333333333333333 (= 1/3)"), ("2/3", "0.666666666666667 (= 2/3)"), ("-1/7", "-0.142857142857143 (= -1/7)"),
        ("10^20/3", "3.33333333333333e+19 (= 100000000000000000000/3)"),
        ("1/3^50", "1.39295556909854e-24 (= 1/717897987691852588770249)"),
        ("1/3^100", "1.94032521748263e-48"),
        ("1/2^40", "9.09494701772928e-13 (= 1/1099511627776)"),
        ("1/1000000", "0.000001"), ("1/7000000", "1.42857142857143e-7 (= 1/7000000)"),
        // Rounding to 15 digits is to nearest, ties to even, on the exact value.
        ("1000000000000005/10^45", "1e-30"), ("1000000000000015/10^45", "1.00000000000002e-30"),
        ("1000000000000025/10^45", "1.00000000000002e-30"), ("1000000000000025000001/10^51", "1.00000000000003e-30"),
        ("9999999999999995/10^46", "1e-30"),
    ])
    func fractions(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("floats: 15 significant digits, %g's switch to scientific notation", arguments: [
        ("sqrt(2)", "1.4142135623731"), ("exp(0) * 0.1", "0.1"), ("exp(0) * 5", "5"), ("-(pi - pi)", "0"),
        ("exp(0) * 1.2345678901234567e300", "1.23456789012346e+300"), ("exp(-20)", "2.06115362243856e-9"),
        ("pi / 10000", "0.000314159265358979"), ("pi / 100000", "3.14159265358979e-5"),
        ("exp(0) * 123456789012345", "123456789012345"), ("exp(0) * 1234567890123456", "1.23456789012346e+15"),
        ("exp(0) * 10^15", "1e+15"), ("-exp(700)", "-1.014232054735e+304"), ("exp(0) * 2^-1074", "4.94065645841247e-324"),
        ("2^-1074", "4.94065645841247e-324"),
    ])
    func floats(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("15-digit rounding matches printf's %.15g on random doubles")
    func matchesPrintf() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<2_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite, value != 0 else { continue }
            var printf = String(format: "%.15g", value)
            if let e = printf.firstIndex(of: "e") {
                let exponent = Int(printf[printf.index(after: e)...])!
                printf = String(printf[..<e]) + "e" + (exponent < 0 ? "-" : "+") + String(exponent.magnitude)
            }
            #expect(ResultFormatter.format(approximate: value) == printf, "\(value)")
        }
    }
}
