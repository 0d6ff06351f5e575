import BigInt

/// An exact rational number: a big-integer numerator over a positive denominator,
/// always in lowest terms (so equal values have equal representations).
///
/// Arithmetic here never fails and never limits sizes; `Arithmetic` checks the
/// sizes of results against the calculator's limits.
struct Rational: Sendable, Hashable {
    /// The numerator; carries the sign.
    let numerator: BigInt
    /// The denominator; always positive.
    let denominator: BigInt

    static let zero = Rational(0)
    static let one = Rational(1)

    /// `numerator / denominator` reduced to lowest terms; `denominator` must not be zero.
    init(_ numerator: BigInt, _ denominator: BigInt) {
        precondition(!denominator.isZero, "a rational's denominator must not be zero")
        if denominator == 1 {
            self.numerator = numerator
            self.denominator = 1
            return
        }
        let divisor = BigInt(IntegerAlgorithms.greatestCommonDivisor(numerator.magnitude, denominator.magnitude))
        let sign: BigInt = denominator.sign == .minus ? -1 : 1
        self.numerator = sign * numerator / divisor
        self.denominator = sign * denominator / divisor
    }

    init(_ integer: BigInt) {
        numerator = integer
        denominator = 1
    }

    init(_ integer: Int) {
        self.init(BigInt(integer))
    }

    /// The exact value of a finite `Double` (every finite binary float is a rational).
    init?(exactly value: Double) {
        guard value.isFinite else { return nil }
        if value == 0 {
            self = .zero
            return
        }
        let isSubnormal = value.exponentBitPattern == 0
        let significand = BigInt(value.significandBitPattern | (isSubnormal ? 0 : 1 << 52))
        let exponent = (isSubnormal ? 1 : Int(value.exponentBitPattern)) - 1075
        let signed = value < 0 ? -significand : significand
        if exponent >= 0 {
            self.init(signed << exponent)
        } else {
            self.init(signed, BigInt(1) << -exponent)
        }
    }

    var isInteger: Bool { denominator == 1 }
    var isZero: Bool { numerator.isZero }
    var isNegative: Bool { numerator.sign == .minus && !numerator.isZero }

    static func + (left: Rational, right: Rational) -> Rational {
        if left.isInteger && right.isInteger { return Rational(left.numerator + right.numerator) }
        return Rational(left.numerator * right.denominator + right.numerator * left.denominator,
                        left.denominator * right.denominator)
    }

    static func - (left: Rational, right: Rational) -> Rational {
        left + (-right)
    }

    static prefix func - (value: Rational) -> Rational {
        Rational(uncheckedNumerator: -value.numerator, denominator: value.denominator)
    }

    static func * (left: Rational, right: Rational) -> Rational {
        if left.isInteger && right.isInteger { return Rational(left.numerator * right.numerator) }
        return Rational(left.numerator * right.numerator, left.denominator * right.denominator)
    }

    /// `left / right`; `right` must not be zero (callers report division by zero).
    static func / (left: Rational, right: Rational) -> Rational {
        Rational(left.numerator * right.denominator, left.denominator * right.numerator)
    }

    var magnitude: Rational {
        Rational(uncheckedNumerator: BigInt(numerator.magnitude), denominator: denominator)
    }

    /// The largest integer not greater than the value.
    var floor: BigInt {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        return remainder.sign == .minus && !remainder.isZero ? quotient - 1 : quotient
    }

    /// The smallest integer not less than the value.
    var ceiling: BigInt {
        -(-self).floor
    }

    /// The nearest integer, halves rounded away from zero (2.5 → 3, -2.5 → -3).
    var roundedHalfAwayFromZero: BigInt {
        let half = Rational(1, 2)
        return isNegative ? -((-self) + half).floor : (self + half).floor
    }

    /// `self` raised to an integer power (exactly; callers bound the size first).
    /// A negative exponent needs a non-zero value.
    func power(_ exponent: Int) -> Rational {
        let count = Int(exponent.magnitude)
        let odd = count & 1 == 1
        let top = BigInt(IntegerAlgorithms.power(numerator.magnitude, count))
        let bottom = BigInt(IntegerAlgorithms.power(denominator.magnitude, count))
        let signedTop = isNegative && odd ? -top : top
        if exponent >= 0 { return Rational(uncheckedNumerator: signedTop, denominator: bottom) }
        precondition(!isZero, "zero to a negative power")
        return Rational(uncheckedNumerator: isNegative && odd ? -bottom : bottom, denominator: top)
    }

    /// The nearest `Double`, correctly rounded (ties to even) except for subnormal
    /// results; infinite when the value is beyond the `Double` range.
    var doubleValue: Double {
        if isZero { return 0 }
        if isInteger && numerator.magnitude.bitWidth <= 53 { return Double(numerator) }
        let top = numerator.magnitude, bottom = denominator.magnitude
        // Scale so the quotient has 62 or 63 bits; a remainder sets the lowest bit
        // (a "sticky" bit), so converting the quotient rounds exactly once.
        let shift = 62 - (top.bitWidth - bottom.bitWidth)
        let (quotient, remainder) = shift >= 0
            ? (top << shift).quotientAndRemainder(dividingBy: bottom)
            : top.quotientAndRemainder(dividingBy: bottom << -shift)
        var scaled = UInt64(quotient)
        if !remainder.isZero { scaled |= 1 }
        let magnitude = Double(sign: .plus, exponent: -shift, significand: Double(scaled))
        return isNegative ? -magnitude : magnitude
    }

    /// Already in lowest terms with a positive denominator.
    private init(uncheckedNumerator: BigInt, denominator: BigInt) {
        self.numerator = uncheckedNumerator
        self.denominator = denominator
    }
}

extension Rational: Comparable {
    static func < (left: Rational, right: Rational) -> Bool {
        left.numerator * right.denominator < right.numerator * left.denominator
    }
}
