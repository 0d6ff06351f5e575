import Testing
@testable import AgentTools

/// Every function and constant, exact where the result is rational.
struct CalculatorFunctionTests {
    @Test("roots and powers: exact when the root is rational", arguments: [
        ("sqrt(16)", "4"), ("sqrt(2)", "1.4142135623731"), ("sqrt(9/4)", "1.5"), ("sqrt(0.25)", "0.5"),
        ("sqrt(0)", "0"), ("sqrt(2^100)", "1125899906842624"), ("sqrt(2)^2", "2"), ("sqrt(10^400)", "1" + String(repeating: "0", count: 200)),
        ("sqrt(10^401)", "3.16227766016838e+200"), ("cbrt(10^400)", "2.15443469003188e+133"),
        ("(10^401)^(1/2)", "3.16227766016838e+200"), ("(10^401)^(3/2)", "error: the result is too large for floating point (beyond 1.8e+308) at 9"),
        ("(10^401+1)^(1/3)", "4.64158883361278e+133"), ("(1/(10^401))^(1/2)", "3.16227766016838e-201"),
        ("cbrt(27)", "3"), ("cbrt(-8)", "-2"), ("cbrt(8/27)", "0.666666666666667 (= 2/3)"), ("cbrt(2)", "1.25992104989487"),
        ("8^(1/3)", "2"), ("16^0.25", "2"), ("27^(2/3)", "9"), ("(-8)^(1/3)", "-2"), ("(-8)^(2/3)", "4"),
        ("(4/9)^(-1/2)", "1.5"), ("2^(1/3)", "1.25992104989487"), ("2^0.5", "1.4142135623731"), ("0^0", "1"),
        ("pow(2, 10)", "1024"), ("pow(4, 0.5)", "2"), ("(1/2)^10", "0.0009765625"), ("1.5^2", "2.25"),
        ("2.0^0.5 * 0", "0"), ("(-2)^3", "-8"), ("(-2)^-3", "-0.125"), ("(-1)^(10^30)", "1"), ("(-1)^(10^30+1)", "-1"),
        ("1^(10^30)", "1"), ("0^(10^30)", "0"), ("pi^2", "9.86960440108936"), ("(-pi)^3", "-31.0062766802998"),
    ])
    func roots(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("exponentials and logarithms; log is base 10", arguments: [
        ("exp(0)", "1"), ("exp(1)", "2.71828182845905"), ("exp(-1)", "0.367879441171442"), ("e", "2.71828182845905"),
        ("ln(1)", "0"), ("ln(e)", "1"), ("ln(10)", "2.30258509299405"), ("ln(10^400)", "921.034037197618"),
        ("ln(1/10^400)", "-921.034037197618"),
        ("log(1000)", "3"), ("log(2)", "0.301029995663981"), ("log(0.001)", "-3"), ("log10(10^300)", "300"),
        ("log(8, 2)", "3"), ("log(1/8, 2)", "-3"), ("log(9, 1/3)", "-2"), ("log(2, 8)", "0.333333333333333"),
        ("log(100, 10)", "2"), ("log(1, 7)", "0"), ("log2(1024)", "10"), ("log2(3)", "1.58496250072116"),
        ("log10(50)", "1.69897000433602"), ("log(e^2, e)", "2"),
    ])
    func logarithms(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("trigonometry in radians", arguments: [
        ("sin(0)", "0"), ("sin(pi/2)", "1"), ("sin(pi/6)", "0.5"), ("cos(0)", "1"), ("cos(pi)", "-1"),
        ("tan(pi/4)", "1"), ("tan(1)", "1.5574077246549"), ("asin(1)", "1.5707963267949"), ("acos(1)", "0"),
        ("acos(-1)", "3.14159265358979"), ("atan(1)", "0.785398163397448"), ("atan2(1, 1)", "0.785398163397448"),
        ("atan2(-1, -1)", "-2.35619449019234"), ("sin(pi)", "1.22464679914735e-16"), ("4 atan(1)", "3.14159265358979"),
    ])
    func trigonometry(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("abs, floor, ceil, round (halves away from zero)", arguments: [
        ("abs(-5)", "5"), ("abs(-2.5)", "2.5"), ("abs(-pi)", "3.14159265358979"), ("abs(3/4)", "0.75"),
        ("floor(2.7)", "2"), ("floor(-2.5)", "-3"), ("floor(7/2)", "3"), ("floor(pi)", "3"), ("floor(-pi)", "-4"),
        ("ceil(2.1)", "3"), ("ceil(-2.5)", "-2"), ("ceil(e)", "3"), ("floor(10^30 + 1/2)", "1000000000000000000000000000000"),
        ("round(2.5)", "3"), ("round(-2.5)", "-3"), ("round(3.5)", "4"), ("round(2.4)", "2"), ("round(0.5)", "1"),
        ("round(pi, 2)", "3.14"), ("round(1.25, 1)", "1.3"), ("round(-1.25, 1)", "-1.3"), ("round(1234, -2)", "1200"),
        ("round(1250, -2)", "1300"), ("round(2/3, 3)", "0.667"), ("round(e, 4)", "2.7183"),
        ("round(pi * 10^20)", "3.14159265358979e+20"), ("floor(pi * 10^20)", "3.14159265358979e+20"),
    ])
    func rounding(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("min, max, gcd, lcm, factorial", arguments: [
        ("min(3, 1, 2)", "1"), ("max(3, 1, 2)", "3"), ("max(7)", "7"), ("max(-1, -2)", "-1"),
        ("min(1/3, 0.3)", "0.3"), ("max(1/3, pi/10)", "0.333333333333333 (= 1/3)"), ("max(2, 2.0 * exp(0))", "2"),
        ("gcd(12, 18)", "6"), ("gcd(12, 18, 8)", "2"), ("gcd(-4, 6)", "2"), ("gcd(0, 0)", "0"), ("gcd(7)", "7"),
        ("gcd(2^100, 6^50)", "1125899906842624"), ("lcm(4, 6)", "12"), ("lcm(4, 6, 10)", "60"), ("lcm(3, 0)", "0"),
        ("lcm(-4, 6)", "12"), ("gcd(floor(pi), 6)", "3"),
        ("factorial(5)", "120"), ("0!", "1"), ("1!", "1"), ("20!", "2432902008176640000"),
        ("25!", "15511210043330985984000000"), ("(2+3)!", "120"), ("floor(pi)!", "6"),
    ])
    func integerFunctions(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("exact arithmetic the brief promises", arguments: [
        ("2^200", "1606938044258990275541962092341162602522202993782792835301376"),
        ("1/3 + 1/6", "0.5"), ("0.1 + 0.2", "0.3"), ("0.1 + 0.2 - 0.3", "0"), ("1/3 * 3", "1"),
        ("(1/3)^3", "0.037037037037037 (= 1/27)"), ("1 - 1/3", "0.666666666666667 (= 2/3)"),
        ("100!/98!", "9900"), ("2^64 - 1", "18446744073709551615"), ("(2^32 + 1) / 2^16", "65536.0000152587890625"),
        ("(2^64 + 1) / 2^32", "4294967296 (= 18446744073709551617/4294967296)"),
    ])
    func exactness(expression: String, expected: String) {
        #expect(calc(expression) == expected, "\(expression)")
    }

    @Test("100! has all its digits")
    func hundredFactorial() {
        #expect(calc("100!") == "93326215443944152681699238856266700490715968264381621468592963895217599993229915608941463976156518286253697920827223758251185210916864000000000000000000000000")
    }

    @Test("the function table: names and arities")
    func functionTable() {
        for function in MathFunction.allCases {
            #expect(MathFunction(name: function.name) == function)
            #expect(function.arity.lowerBound >= 1)
        }
        #expect(MathConstant(name: "π") == .pi)
        #expect(MathFunction(name: "sine") == nil)
    }
}
