import BigInt

/// Renders a value as the text the model reads.
///
/// - Exact integers: every digit, with a leading "-" if negative ("1267650600228229401496703205376").
/// - Exact fractions whose decimal expansion ends within 40 digits: that decimal, exactly
///   ("0.3", "-2.5", "0.00390625").
/// - Other exact fractions: 15 significant digits, then the fraction when it is at most
///   40 characters long ("0.333333333333333 (= 1/3)", "-1.42857142857143 (= -10/7)").
/// - Floating-point values: 15 significant digits, trailing zeros dropped ("1.4142135623731",
///   "5", "0.1").
/// - 15-digit renderings use scientific notation when the decimal exponent is below -4
///   or at least 15, as C's %.15g does, written "1.23456789012346e+300", "1e-7".
/// Rounding to 15 digits is to nearest, ties to even, on the exact value.
enum ResultFormatter {
    static let significantDigits = 15
    static let longestExactDecimal = 40
    static let longestFraction = 40

    static func format(_ value: Number) -> String {
        switch value {
        case .exact(let rational): return format(exact: rational)
        case .approximate(let double): return format(approximate: double)
        }
    }

    static func format(exact value: Rational) -> String {
        if value.isInteger { return String(value.numerator) }
        if let decimal = terminatingDecimal(value) { return decimal }
        let rounded = roundedDecimal(value)
        let fraction = "\(value.numerator)/\(value.denominator)"
        return fraction.count <= longestFraction ? "\(rounded) (= \(fraction))" : rounded
    }

    static func format(approximate value: Double) -> String {
        guard let exact = Rational(exactly: value) else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        return exact.isZero ? "0" : roundedDecimal(exact)
    }

    /// The exact decimal expansion, if it ends within `longestExactDecimal` digits.
    private static func terminatingDecimal(_ value: Rational) -> String? {
        // A fraction in lowest terms terminates when its denominator is 2^a·5^b,
        // after max(a, b) decimal places.
        var rest = value.denominator.magnitude
        let twos = rest.trailingZeroBitCount
        rest >>= twos
        var fives = 0
        while rest > 1 {
            let (quotient, remainder) = rest.quotientAndRemainder(dividingBy: 5)
            guard remainder.isZero else { return nil }
            rest = quotient
            fives += 1
        }
        let places = max(twos, fives)
        guard places < longestExactDecimal else { return nil }
        let scaled = value.numerator.magnitude * IntegerAlgorithms.powerOfTen(places) / value.denominator.magnitude
        var digits = String(scaled)
        if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
        guard digits.count <= longestExactDecimal else { return nil }
        let split = digits.index(digits.endIndex, offsetBy: -places)
        return (value.isNegative ? "-" : "") + digits[..<split] + "." + digits[split...]
    }

    /// 15 significant digits, %g style.
    static func roundedDecimal(_ value: Rational) -> String {
        let (digitValue, exponent) = significand(of: value)
        var digits = String(digitValue)
        while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast() }
        let sign = value.isNegative ? "-" : ""
        if exponent < -4 || exponent >= significantDigits {
            let mantissa = digits.count > 1 ? "\(digits.first!).\(digits.dropFirst())" : digits
            return "\(sign)\(mantissa)e\(exponent < 0 ? "-" : "+")\(exponent.magnitude)"
        }
        if exponent < 0 {
            return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        if digits.count <= exponent + 1 {
            return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count)
        }
        let split = digits.index(digits.startIndex, offsetBy: exponent + 1)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// The value's first `significantDigits` decimal digits, rounded to nearest with
    /// ties to even, as an integer d, and the decimal exponent e with
    /// |value| ≈ d × 10^(e - 14); `value` must not be zero.
    static func significand(of value: Rational) -> (digits: BigUInt, exponent: Int) {
        let top = value.numerator.magnitude, bottom = value.denominator.magnitude
        // Estimate floor(log10 |value|) from logarithms, then correct it exactly.
        var exponent = Int(((IntegerAlgorithms.naturalLogarithm(top) - IntegerAlgorithms.naturalLogarithm(bottom)) / 2.302_585_092_994_046).rounded(.down))
        func atLeastPowerOfTen(_ power: Int) -> Bool {
            power >= 0 ? top >= bottom * IntegerAlgorithms.powerOfTen(power) : top * IntegerAlgorithms.powerOfTen(-power) >= bottom
        }
        while !atLeastPowerOfTen(exponent) { exponent -= 1 }
        while atLeastPowerOfTen(exponent + 1) { exponent += 1 }
        let shift = significantDigits - 1 - exponent
        let (numerator, denominator) = shift >= 0
            ? (top * IntegerAlgorithms.powerOfTen(shift), bottom)
            : (top, bottom * IntegerAlgorithms.powerOfTen(-shift))
        var (digits, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        let twiceRemainder = remainder << 1
        if twiceRemainder > denominator || (twiceRemainder == denominator && digits[bitAt: 0]) {
            digits += 1
        }
        if digits == IntegerAlgorithms.powerOfTen(significantDigits) {
            digits = IntegerAlgorithms.powerOfTen(significantDigits - 1)
            exponent += 1
        }
        return (digits, exponent)
    }
}
