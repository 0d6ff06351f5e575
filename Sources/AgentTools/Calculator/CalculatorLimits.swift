/// The resource caps that keep every evaluation small and fast: each is answered
/// with a clear error (or, for long fractions, a floating-point result) well within
/// a second, whatever the expression.
public struct CalculatorLimits: Sendable, Equatable {
    /// The longest expression accepted, in Unicode scalars.
    public var maximumInputLength: Int
    /// How deeply parentheses, function calls, signs and exponents may nest.
    public var maximumNestingDepth: Int
    /// The most decimal digits an exact integer may have (results and intermediate values).
    public var maximumIntegerDigits: Int
    /// The most decimal digits the numerator or denominator of an exact fraction may
    /// have; a longer fraction continues in floating point.
    public var maximumFractionDigits: Int
    /// The largest n for which n! is computed.
    public var maximumFactorial: Int

    /// Defaults: 2,000 characters, 200 levels, 10,000-digit integers, 1,000-digit
    /// fractions, 3000! (9,131 digits).
    public init(
        maximumInputLength: Int = 2_000,
        maximumNestingDepth: Int = 200,
        maximumIntegerDigits: Int = 10_000,
        maximumFractionDigits: Int = 1_000,
        maximumFactorial: Int = 3_000
    ) {
        self.maximumInputLength = maximumInputLength
        self.maximumNestingDepth = maximumNestingDepth
        self.maximumIntegerDigits = maximumIntegerDigits
        self.maximumFractionDigits = maximumFractionDigits
        self.maximumFactorial = maximumFactorial
    }
}
