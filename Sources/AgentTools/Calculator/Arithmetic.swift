import BigInt
import Foundation

/// The operators' semantics, with the calculator's size limits applied to every
/// result. Errors thrown here carry no column; the evaluator adds it.
///
/// - Exact operands give exact results, except where the result is irrational
///   (2^(1/2)) or a fraction longer than `maximumFractionDigits`, which continue as
///   the nearest `Double`.
/// - An exact integer longer than `maximumIntegerDigits` is refused; powers estimate
///   the size of their result (through logarithms) before computing it.
/// - Modulo is floored, as in Python and mathematics: the result has the sign of the
///   divisor (-7 mod 3 = 2, 7 mod -3 = -2); a mod b = a - b·floor(a/b), for fractions too.
struct Arithmetic: Sendable {
    let limits: CalculatorLimits
    /// Integers with at most this many bits have at most `maximumIntegerDigits` digits.
    private let safeIntegerBits: Int
    /// Fractions whose parts have more bits than this are too long to keep exact.
    private let fractionBits: Int

    init(limits: CalculatorLimits) {
        self.limits = limits
        safeIntegerBits = Int(Double(limits.maximumIntegerDigits) * log2(10.0))
        fractionBits = Int((Double(limits.maximumFractionDigits) * log2(10.0)).rounded(.up))
    }

    // MARK: Results within the limits

    /// An exact result checked against the limits: a long integer is an error, a long
    /// fraction becomes floating point.
    func settle(_ value: Rational) throws(CalculatorError) -> Number {
        if value.isInteger {
            let bits = value.numerator.magnitude.bitWidth
            if bits > safeIntegerBits {
                let digits = bits > safeIntegerBits + 8
                    ? Double(bits - 1) * log10(2.0) + 1
                    : Double(IntegerAlgorithms.decimalDigitCount(value.numerator.magnitude))
                if digits > Double(limits.maximumIntegerDigits) {
                    throw CalculatorError(.tooManyDigits(estimated: digits, limit: limits.maximumIntegerDigits))
                }
            }
            return .exact(value)
        }
        if value.numerator.magnitude.bitWidth > fractionBits || value.denominator.magnitude.bitWidth > fractionBits {
            let approximation = value.doubleValue
            if approximation == 0 { throw CalculatorError(.underflow) }
            return try floating(approximation)
        }
        return .exact(value)
    }

    /// A floating-point result; infinities and NaNs (which only infinite operands
    /// produce) are overflow errors.
    func floating(_ value: Double) throws(CalculatorError) -> Number {
        guard value.isFinite else { throw CalculatorError(.overflow) }
        return .approximate(value == 0 ? 0 : value)
    }

    // MARK: Operators

    func add(_ left: Number, _ right: Number) throws(CalculatorError) -> Number {
        if case .exact(let a) = left, case .exact(let b) = right { return try settle(a + b) }
        return try floating(left.doubleValue + right.doubleValue)
    }

    func subtract(_ left: Number, _ right: Number) throws(CalculatorError) -> Number {
        if case .exact(let a) = left, case .exact(let b) = right { return try settle(a - b) }
        return try floating(left.doubleValue - right.doubleValue)
    }

    func multiply(_ left: Number, _ right: Number) throws(CalculatorError) -> Number {
        if case .exact(let a) = left, case .exact(let b) = right { return try settle(a * b) }
        return try floating(left.doubleValue * right.doubleValue)
    }

    func divide(_ left: Number, _ right: Number) throws(CalculatorError) -> Number {
        guard !right.isZero else { throw CalculatorError(.divisionByZero) }
        if case .exact(let a) = left, case .exact(let b) = right { return try settle(a / b) }
        return try floating(left.doubleValue / right.doubleValue)
    }

    /// Floored modulo: the result has the sign of the divisor.
    func modulo(_ left: Number, _ right: Number) throws(CalculatorError) -> Number {
        guard !right.isZero else { throw CalculatorError(.moduloByZero) }
        if case .exact(let a) = left, case .exact(let b) = right {
            return try settle(a - b * Rational((a / b).floor))
        }
        let (a, b) = (left.doubleValue, right.doubleValue)
        guard a.isFinite && b.isFinite else { throw CalculatorError(.overflow) }
        // As Python's float %: C's fmod, moved into the divisor's sign.
        var remainder = fmod(a, b)
        if remainder != 0 && (remainder < 0) != (b < 0) { remainder += b }
        return .approximate(remainder == 0 ? 0 : remainder)
    }

    func negate(_ value: Number) -> Number {
        switch value {
        case .exact(let a): return .exact(-a)
        case .approximate(let a): return .approximate(a == 0 ? 0 : -a)
        }
    }

    /// "15%": the value divided by 100.
    func percent(_ value: Number) throws(CalculatorError) -> Number {
        try divide(value, Number(100))
    }

    /// n! for integers from 0 to `maximumFactorial`.
    func factorial(_ value: Number) throws(CalculatorError) -> Number {
        guard let n = value.integerValue, n.sign == .plus || n.isZero else {
            throw CalculatorError(.factorialNeedsNonNegativeInteger)
        }
        guard n <= BigInt(limits.maximumFactorial) else {
            throw CalculatorError(.factorialTooLarge(limit: limits.maximumFactorial))
        }
        return try settle(Rational(BigInt(IntegerAlgorithms.factorial(Int(n)))))
    }

    // MARK: Powers

    /// `base ^ exponent`: exact for exact bases with integer exponents, and for
    /// fractional exponents whose root is exact (8^(1/3) = 2, (9/4)^(1/2) = 3/2);
    /// odd roots of negative numbers are real ((-8)^(1/3) = -2).
    func power(_ base: Number, _ exponent: Number) throws(CalculatorError) -> Number {
        switch (base, exponent) {
        case (.exact(let b), .exact(let e)) where e.isInteger:
            return try exactPower(b, e.numerator)
        case (.exact(let b), .exact(let e)):
            return try rootPower(b, e)
        default:
            return try floatingPower(base, exponent.doubleValue)
        }
    }

    /// An exact base to an integer power, its size estimated before it is computed.
    func exactPower(_ base: Rational, _ exponent: BigInt) throws(CalculatorError) -> Number {
        if base.isZero {
            if exponent.sign == .minus && !exponent.isZero { throw CalculatorError(.zeroToNegativePower) }
            return Number(exponent.isZero ? 1 : 0)
        }
        if base.numerator.magnitude == 1 && base.denominator == 1 {
            let odd = exponent.magnitude.words.first.map { $0 & 1 == 1 } ?? false
            return Number(base.isNegative && odd ? -1 : 1)
        }
        let count = Double(exponent.magnitude)
        let numeratorDigits = count * log10Magnitude(BigInt(base.numerator.magnitude))
        let denominatorDigits = count * log10Magnitude(base.denominator)
        let (topDigits, bottomDigits) = exponent.sign == .minus ? (denominatorDigits, numeratorDigits) : (numeratorDigits, denominatorDigits)
        let resultIsInteger = bottomDigits == 0
        if resultIsInteger && topDigits > Double(limits.maximumIntegerDigits) + 1 {
            throw CalculatorError(.tooManyDigits(estimated: topDigits.rounded(.down) + 1, limit: limits.maximumIntegerDigits))
        }
        if !resultIsInteger && max(topDigits, bottomDigits) > Double(limits.maximumFractionDigits) + 1 {
            // Too long to keep exact: the nearest float, if the float range holds it.
            let logarithm = (topDigits - bottomDigits) * M_LN10
            if logarithm > 709.8 { throw CalculatorError(.overflow) }
            if logarithm < -745.2 { throw CalculatorError(.underflow) }
            let odd = exponent.magnitude.words.first.map { $0 & 1 == 1 } ?? false
            let magnitude = approximatePower(base.magnitude, Double(exponent))
            return try floating(base.isNegative && odd ? -magnitude : magnitude)
        }
        guard let smallExponent = Int(exactly: exponent) else {
            throw CalculatorError(.tooManyDigits(estimated: max(topDigits, bottomDigits), limit: limits.maximumIntegerDigits))
        }
        return try settle(base.power(smallExponent))
    }

    /// An exact base to an exact fractional power p/q.
    private func rootPower(_ base: Rational, _ exponent: Rational) throws(CalculatorError) -> Number {
        if base.isZero {
            if exponent.isNegative { throw CalculatorError(.zeroToNegativePower) }
            return Number(0)
        }
        let degree = exponent.denominator
        let evenDegree = degree.magnitude.words.first.map { $0 & 1 == 0 } ?? false
        if base.isNegative && evenDegree {
            throw CalculatorError(.domain("a negative number to a fractional power has no real value"))
        }
        let oddNumerator = exponent.numerator.magnitude.words.first.map { $0 & 1 == 1 } ?? false
        let negativeResult = base.isNegative && oddNumerator
        if degree <= 64, let root = exactRoot(base.magnitude, degree: Int(degree)) {
            return try exactPower(negativeResult ? -root : root, exponent.numerator)
        }
        let magnitude = base.doubleValue.isNormal || degree > 64
            ? approximatePower(base.magnitude, exponent.doubleValue)
            : pow(approximateRoot(base.magnitude, degree: Int(degree)), Double(exponent.numerator))
        return try floating(negativeResult ? -magnitude : magnitude)
    }

    /// The `degree`-th root of an exact value if it is rational, else nil; odd roots
    /// of negative values are negative (even ones are the caller's error to report).
    func exactRoot(_ value: Rational, degree: Int) -> Rational? {
        guard let top = IntegerAlgorithms.exactRoot(value.numerator.magnitude, degree: degree),
              let bottom = IntegerAlgorithms.exactRoot(value.denominator.magnitude, degree: degree) else { return nil }
        let root = Rational(BigInt(top), BigInt(bottom))
        return value.isNegative ? -root : root
    }

    /// The `degree`-th root of a non-zero exact value of any size, as a float. Each
    /// part is scaled into the float range by a power of two whose exponent is a
    /// multiple of `degree`, so only the root of the scaled part is inexact (going
    /// through logarithms instead would lose three or four more digits).
    func approximateRoot(_ value: Rational, degree: Int) -> Double {
        func root(_ integer: BigUInt) -> (significand: Double, exponent: Int) {
            var shift = max(0, integer.bitWidth - 64)
            shift -= shift % degree
            let scaled = Double(integer >> shift)
            let root = degree == 2 ? sqrt(scaled) : degree == 3 ? cbrt(scaled) : pow(scaled, 1 / Double(degree))
            return (root, shift / degree)
        }
        let top = root(value.numerator.magnitude), bottom = root(value.denominator.magnitude)
        let magnitude = Double(sign: .plus, exponent: top.exponent - bottom.exponent, significand: top.significand / bottom.significand)
        return value.isNegative ? -magnitude : magnitude
    }

    /// Powers with a floating-point operand.
    private func floatingPower(_ base: Number, _ exponent: Double) throws(CalculatorError) -> Number {
        guard exponent.isFinite else { throw CalculatorError(.overflow) }
        if base.isZero {
            if exponent < 0 { throw CalculatorError(.zeroToNegativePower) }
            return .approximate(exponent == 0 ? 1 : 0)
        }
        let integral = exponent.rounded(.towardZero) == exponent
        if base.isNegative && !integral {
            throw CalculatorError(.domain("a negative number to a fractional power has no real value"))
        }
        guard let exactBase = base.rationalValue else { throw CalculatorError(.overflow) }
        let magnitude = approximatePower(exactBase.magnitude, exponent)
        let odd = integral && exponent.magnitude < 0x1p53 && Int64(exponent) & 1 == 1
        return try floating(base.isNegative && odd ? -magnitude : magnitude)
    }

    /// `base ^ exponent` for a positive exact base, through logarithms when the base
    /// itself is beyond the float range.
    func approximatePower(_ base: Rational, _ exponent: Double) -> Double {
        let double = base.doubleValue
        if double.isNormal { return pow(double, exponent) }
        return exp(exponent * naturalLogarithm(base))
    }

    // MARK: Logarithms of exact values of any size

    /// ln of a positive exact value, even one beyond the float range.
    func naturalLogarithm(_ value: Rational) -> Double {
        let double = value.doubleValue
        if double.isNormal { return log(double) }
        return IntegerAlgorithms.naturalLogarithm(value.numerator.magnitude)
            - IntegerAlgorithms.naturalLogarithm(value.denominator.magnitude)
    }

    /// log10 |value| for a non-zero integer (0 for ±1).
    private func log10Magnitude(_ value: BigInt) -> Double {
        IntegerAlgorithms.naturalLogarithm(value.magnitude) / M_LN10
    }
}
