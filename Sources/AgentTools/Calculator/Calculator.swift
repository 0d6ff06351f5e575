/// The exact calculator tool ("calc"): evaluates an arithmetic expression with its
/// own parser (never `eval`) and returns the value as text.
///
/// Arithmetic is exact on big-integer fractions wherever the expression is exact:
/// `2^200`, `100!` and `1/3 + 1/6` are computed exactly, and decimals are read
/// exactly (`0.1 + 0.2` is 0.3). Transcendental functions, irrational roots and the
/// constants π and e give floating-point values. See `Parser` for the syntax,
/// `Arithmetic` for the operators' semantics, `MathFunction` for the functions,
/// `ResultFormatter` for the output and `CalculatorLimits` for the caps.
///
///     <calc>24 x 78</calc>          → 1872
///     <calc>15% of 80</calc>        → 12
///     <calc>1/3 + 1/6</calc>        → 0.5
///     <calc>2/3</calc>              → 0.666666666666667 (= 2/3)
///     <calc>sqrt(2)</calc>          → 1.4142135623731
///     <calc>sine(1)</calc>          → error: unknown function 'sine' at 1 — did you mean 'sin'?
public struct Calculator: Tool {
    /// The tag the model writes: `<calc>…</calc>`.
    public let name = "calc"
    /// What the model reads about the tool: operators, functions and constants.
    public let description =
        "Exact arithmetic: + - * / ^ ! % (modulo, or percent: 15% of 80, 80 + 15%), parentheses, "
        + "sqrt cbrt exp ln log (base 10) log2 sin cos tan asin acos atan abs floor ceil round min max gcd lcm, pi, e."

    /// The resource caps applied to every expression.
    public var limits: CalculatorLimits

    /// Digits, operators, parentheses, separators, spaces and letters (function names,
    /// "of", "x"): no "=", so a model cannot write the answer into the call.
    public var inputAlphabet: Set<Character>? {
        Set("0123456789+-*/^!%()., xX×÷−abcdefghijklmnopqrstuvwyz")
    }

    /// The function and constant names, "of" (percentages) and "x" (times).
    public var inputWords: Set<String>? {
        Set(MathFunction.allNames + MathConstant.allCases.map(\.rawValue) + ["of", "x", "X"])
    }

    /// An arithmetic expression needs no more than 120 characters.
    public var maximumInputLength: Int { 120 }

    /// A calculator that enforces `limits` on every expression.
    public init(limits: CalculatorLimits = CalculatorLimits()) {
        self.limits = limits
    }

    /// The value of `input` as text, or "error: …" with `ok == false`.
    public func run(_ input: String, context: ToolContext) async throws -> ToolResult {
        try Task.checkCancellation()
        do {
            return ToolResult(text: try evaluate(input))
        } catch {
            return ToolResult(text: "error: \(error)", ok: false)
        }
    }

    /// The value of `expression`, formatted as the model reads it.
    public func evaluate(_ expression: String) throws(CalculatorError) -> String {
        ResultFormatter.format(try value(of: expression))
    }

    /// The value of `expression` before formatting.
    func value(of expression: String) throws(CalculatorError) -> Number {
        let length = expression.unicodeScalars.count
        guard length <= limits.maximumInputLength else {
            throw CalculatorError(.inputTooLong(length: length, limit: limits.maximumInputLength))
        }
        let tokens = try Lexer.tokenize(expression, maximumExponent: limits.maximumIntegerDigits)
        let tree = try Parser.parse(tokens, maximumDepth: limits.maximumNestingDepth)
        return try Evaluator(arithmetic: Arithmetic(limits: limits)).evaluate(tree)
    }
}
