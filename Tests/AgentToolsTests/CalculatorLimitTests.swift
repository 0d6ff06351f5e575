import Testing
@testable import AgentTools

/// Every cap answers quickly with a clear error (or, for long fractions, a float).
struct CalculatorLimitTests {
    /// The answer for `expression`, which must come in well under a second.
    private func quickly(_ expression: String, limits: CalculatorLimits = CalculatorLimits()) -> String {
        var result = ""
        let elapsed = seconds { result = calc(expression, limits: limits) }
        #expect(elapsed < 1, "\(expression.prefix(40))… took \(elapsed) s")
        return result
    }

    @Test("exponents: the result's size is estimated before computing it")
    func exponents() {
        #expect(quickly("9^9^9^9") == "error: the result would have about 369,693,100 digits; the limit is 10,000 at 4")
        #expect(quickly("2^100000") == "error: the result would have about 30,103 digits; the limit is 10,000 at 2")
        #expect(quickly("10^10^20") == "error: the result would have about 1.0e+20 digits; the limit is 10,000 at 3")
        #expect(quickly("(10^10^20)^(10^10^20)").hasPrefix("error: the result would have about 1.0e+20 digits"))
        #expect(quickly("10^10000") == "error: the result would have about 10,001 digits; the limit is 10,000 at 3")
        #expect(quickly("10^9999").count == 10_000)
        #expect(quickly("7^11832").count == 10_000)
        #expect(quickly("7^11833") == "error: the result would have about 10,001 digits; the limit is 10,000 at 2")
        // 0.5^(10^10) is below the float range, which is an error rather than a silent 0.
        #expect(quickly("2^0.5^(10^10)") == "error: the result is too small for floating point (below 5e-324) at 6")
        #expect(quickly("1.0001^(10^9)") == "error: the result is too large for floating point (beyond 1.8e+308) at 7")
    }

    @Test("factorials up to 3000!")
    func factorials() {
        let largest = quickly("3000!")
        #expect(largest.count == 9_131)
        #expect(largest.hasPrefix("41493596034378540855568670930866121709511191949318"))
        #expect(largest.hasSuffix(String(repeating: "0", count: 748)))
        #expect(quickly("3001!") == "error: factorial is limited to 3,000! at 5")
        #expect(quickly("(10^20)!") == "error: factorial is limited to 3,000! at 8")
        #expect(quickly("3000! * 3000!") == "error: the result would have about 18,262 digits; the limit is 10,000 at 7")
        #expect(quickly("2000! / 1999!") == "2000")
    }

    @Test("nesting deeper than 200 levels is an error, not a stack overflow")
    func nesting() {
        let deepest = String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)
        #expect(quickly(deepest) == "1")
        let tooDeep = String(repeating: "(", count: 201) + "1" + String(repeating: ")", count: 201)
        #expect(quickly(tooDeep) == "error: nested more than 200 levels deep at 201")
        let roomy = CalculatorLimits(maximumInputLength: 1_000_000)
        let tenThousand = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        #expect(quickly(tenThousand, limits: roomy) == "error: nested more than 200 levels deep at 201")
        #expect(quickly(String(repeating: "-", count: 10_000) + "1", limits: roomy) == "error: nested more than 200 levels deep at 201")
        #expect(quickly(String(repeating: "sqrt(", count: 10_000) + "1", limits: roomy) == "error: nested more than 200 levels deep at 1005")
        #expect(quickly(Array(repeating: "1", count: 10_000).joined(separator: "^"), limits: roomy) == "error: nested more than 200 levels deep at 402")
        #expect(quickly(String(repeating: "√", count: 10_000) + "1", limits: roomy) == "error: nested more than 200 levels deep at 201")
        // The default length limit stops the same input first.
        #expect(quickly(tenThousand) == "error: the expression is 20,001 characters long; the limit is 2,000")
    }

    @Test("long flat expressions evaluate without deep recursion trouble")
    func longFlatExpressions() async throws {
        let sum = Array(repeating: "1", count: 1_000).joined(separator: "+")
        #expect(quickly(sum) == "1000")
        let factorials = "1" + String(repeating: "!", count: 1_999)
        #expect(quickly(factorials) == "1")
        // The same on the concurrency runtime's threads, as the agent runs tools.
        let result = try await Calculator().run(factorials, context: ToolContext())
        #expect(result == ToolResult(text: "1"))
    }

    @Test("input length")
    func inputLength() {
        let long = Array(repeating: "1", count: 1_001).joined(separator: "+")
        #expect(quickly(long) == "error: the expression is 2,001 characters long; the limit is 2,000")
        #expect(quickly(String(long.dropLast(2))) == "1000")
    }

    @Test("fractions longer than 1,000 digits continue as floats; integers stay exact to 10,000 digits")
    func fractionSizes() {
        #expect(quickly("(1/3)^1000") == "7.5638913231041e-478")
        #expect(quickly("(2/3)^1000 * 3^1000 / 2^1000") == "1")
        // 0.999^5000 has a 15,000-digit numerator: it is computed in floating point.
        #expect(quickly("0.999^5000") == "0.00672111195986559")
        #expect(quickly("(1/3)^3000") == "error: the result is too small for floating point (below 5e-324) at 6")
        // The price: a fraction beyond 1,000 digits is only as good as a float's range.
        #expect(quickly("1/(2999! + 1) * 10^9000") == "error: the result is too small for floating point (below 5e-324) at 2")
    }

    @Test("adversarial chains of large numbers stay fast")
    func chains() {
        let bigFractions = (1...40).map { "1/(3^600 + \($0))" }.joined(separator: " + ")
        #expect(quickly(bigFractions).hasPrefix("2.134554066150"))
        let bigIntegers = Array(repeating: "2999!", count: 100).joined(separator: "+")
        #expect(quickly(bigIntegers).count == 9_130)
        let quotients = Array(repeating: "(2999! + 1)/(2998! + 7)", count: 30).joined(separator: "+")
        #expect(quickly(quotients) == "89970")
        let squareRoots = Array(repeating: "sqrt(2999!)", count: 100).joined(separator: "+")
        #expect(quickly(squareRoots).hasPrefix("error: the result is too large for floating point"))
        // 2999! + 1 leaves remainder 1 by every small prime, so no cheap test rules out a 63rd power.
        let roots = Array(repeating: "(2999! + 1)^(1/63)", count: 40).joined(separator: "+")
        #expect(quickly(roots) == "3.00131607629423e+146")
        let gcds = "gcd(" + Array(repeating: "2999! + 1", count: 60).joined(separator: ", ") + ")"
        #expect(quickly(gcds).count == 9_128)
    }
}
