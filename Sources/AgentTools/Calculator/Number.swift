import BigInt

/// A value during evaluation: exact while everything that made it was exact,
/// floating point once a transcendental function, an irrational root, a constant
/// such as π, or a fraction too long to keep touched it.
enum Number: Sendable, Equatable {
    case exact(Rational)
    case approximate(Double)

    init(_ integer: Int) {
        self = .exact(Rational(integer))
    }

    /// The nearest `Double` (infinite if an exact value is beyond its range).
    var doubleValue: Double {
        switch self {
        case .exact(let value): return value.doubleValue
        case .approximate(let value): return value
        }
    }

    var isExact: Bool {
        if case .exact = self { return true }
        return false
    }

    var isZero: Bool {
        switch self {
        case .exact(let value): return value.isZero
        case .approximate(let value): return value == 0
        }
    }

    var isNegative: Bool {
        switch self {
        case .exact(let value): return value.isNegative
        case .approximate(let value): return value < 0
        }
    }

    /// The value as an exact integer, if it is one: an exact integer, or a float with
    /// an integral value below 2^53 (where every integer is representable).
    var integerValue: BigInt? {
        switch self {
        case .exact(let value):
            return value.isInteger ? value.numerator : nil
        case .approximate(let value):
            guard value.rounded(.towardZero) == value, value.magnitude < 0x1p53 else { return nil }
            return BigInt(Int64(value))
        }
    }

    /// The exact value (floats are exact binary fractions); nil for non-finite floats.
    var rationalValue: Rational? {
        switch self {
        case .exact(let value): return value
        case .approximate(let value): return Rational(exactly: value)
        }
    }

    /// Exact comparison, floats taken at their exact binary value (as Python compares
    /// a Fraction with a float).
    func isLess(than other: Number) -> Bool {
        if let left = rationalValue, let right = other.rationalValue { return left < right }
        return doubleValue < other.doubleValue
    }
}
