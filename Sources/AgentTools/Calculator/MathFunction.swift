import BigInt
import Foundation

/// The functions a calculator expression may call. Angles are in radians; `log` is
/// base 10 (`ln` is natural; `log(x, b)` takes a base). Results are exact where the
/// arguments are exact and the result is rational: sqrt(9/4) = 3/2, cbrt(-8) = -2,
/// log10(1000) = 3, log(8, 2) = 3, floor, ceil, round, abs, min, max, gcd, lcm.
enum MathFunction: String, Sendable, CaseIterable {
    case sqrt, cbrt, exp, ln, log, log2, log10
    case sin, cos, tan, asin, acos, atan, atan2
    case abs, floor, ceil, round, min, max, gcd, lcm, factorial, pow

    /// The function for a lower-cased name.
    init?(name: String) {
        self.init(rawValue: name)
    }

    static let allNames = allCases.map(\.rawValue)

    var name: String { rawValue }

    /// How many arguments it takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .log, .round: return 1...2
        case .atan2, .pow: return 2...2
        case .min, .max, .gcd, .lcm: return 1...Int.max
        default: return 1...1
        }
    }

    /// The arity in words, for error messages ("1 argument", "1 or 2 arguments").
    var arityDescription: String {
        switch arity.upperBound {
        case Int.max: return "at least \(arity.lowerBound) argument" + (arity.lowerBound == 1 ? "" : "s")
        case arity.lowerBound: return "\(arity.lowerBound) argument" + (arity.lowerBound == 1 ? "" : "s")
        default: return "\(arity.lowerBound) or \(arity.upperBound) arguments"
        }
    }

    /// The function applied to already evaluated arguments (their count is checked
    /// by the parser).
    func apply(to arguments: [Number], using arithmetic: Arithmetic) throws(CalculatorError) -> Number {
        let x = arguments[0]
        switch self {
        case .sqrt:
            guard !x.isNegative else { throw CalculatorError(.domain("sqrt of a negative number")) }
            return try root(x, degree: 2, arithmetic)
        case .cbrt:
            return try root(x, degree: 3, arithmetic)
        case .pow:
            return try arithmetic.power(x, arguments[1])
        case .exp:
            return try arithmetic.floating(Foundation.exp(x.doubleValue))
        case .ln:
            return try logarithm(x, base: nil, arithmetic)
        case .log:
            return try logarithm(x, base: arguments.count == 2 ? arguments[1] : Number(10), arithmetic)
        case .log10:
            return try logarithm(x, base: Number(10), arithmetic)
        case .log2:
            return try logarithm(x, base: Number(2), arithmetic)
        case .sin:
            return try arithmetic.floating(Foundation.sin(finite(x)))
        case .cos:
            return try arithmetic.floating(Foundation.cos(finite(x)))
        case .tan:
            return try arithmetic.floating(Foundation.tan(finite(x)))
        case .asin, .acos:
            let value = x.doubleValue
            guard value >= -1 && value <= 1 else { throw CalculatorError(.domain("\(name) needs a number from -1 to 1")) }
            return try arithmetic.floating(self == .asin ? Foundation.asin(value) : Foundation.acos(value))
        case .atan:
            return try arithmetic.floating(Foundation.atan(finite(x)))
        case .atan2:
            return try arithmetic.floating(Foundation.atan2(finite(x), finite(arguments[1])))
        case .abs:
            return x.isNegative ? arithmetic.negate(x) : x
        case .floor, .ceil:
            return try rounded(x, self == .floor ? { $0.floor } : { $0.ceiling }, arithmetic)
        case .round:
            return try round(x, digits: arguments.count == 2 ? arguments[1] : Number(0), arithmetic)
        case .min, .max:
            var best = x
            for candidate in arguments.dropFirst() where self == .min ? candidate.isLess(than: best) : best.isLess(than: candidate) {
                best = candidate
            }
            return best
        case .gcd, .lcm:
            return try divisibility(arguments, arithmetic)
        case .factorial:
            return try arithmetic.factorial(x)
        }
    }

    /// Square and cube roots: exact when the root is rational, else the float
    /// functions sqrt and cbrt (of a scaled value for exact values beyond their range).
    private func root(_ x: Number, degree: Int, _ arithmetic: Arithmetic) throws(CalculatorError) -> Number {
        switch x {
        case .exact(let value):
            if let root = arithmetic.exactRoot(value, degree: degree) { return try arithmetic.settle(root) }
            let double = value.doubleValue
            if double.isNormal { return try arithmetic.floating(degree == 2 ? Foundation.sqrt(double) : Foundation.cbrt(double)) }
            return try arithmetic.floating(arithmetic.approximateRoot(value, degree: degree))
        case .approximate(let value):
            return try arithmetic.floating(degree == 2 ? Foundation.sqrt(value) : Foundation.cbrt(value))
        }
    }

    /// A finite float for the trigonometric functions.
    private func finite(_ x: Number) throws(CalculatorError) -> Double {
        let value = x.doubleValue
        guard value.isFinite else { throw CalculatorError(.domain("\(name) of a number beyond the floating-point range")) }
        return value
    }

    /// ln x (base nil) or log_base x; exact when x is an exact integer power of an exact
    /// base (log10(1000) = 3, log(1/8, 2) = -3).
    private func logarithm(_ x: Number, base: Number?, _ arithmetic: Arithmetic) throws(CalculatorError) -> Number {
        guard !x.isNegative && !x.isZero else { throw CalculatorError(.domain("\(name) of a number that is not positive")) }
        let lnX = try naturalLogarithm(x, arithmetic)
        guard let base else { return try arithmetic.floating(lnX) }
        guard !base.isNegative && !base.isZero && base.doubleValue != 1 else {
            throw CalculatorError(.domain("the base of a logarithm must be positive and not 1"))
        }
        let lnBase = try naturalLogarithm(base, arithmetic)
        if case .exact(let exactX) = x, case .exact(let exactBase) = base {
            let estimate = (lnX / lnBase).rounded()
            if estimate.magnitude <= 100_000, estimate != 0 || exactX == .one {
                let exponent = Int(estimate)
                let baseBits: Int = exactBase.numerator.magnitude.bitWidth + exactBase.denominator.magnitude.bitWidth
                let valueBits: Int = exactX.numerator.magnitude.bitWidth + exactX.denominator.magnitude.bitWidth
                if baseBits * Int(exponent.magnitude) <= 4 * valueBits + 64, exactBase.power(exponent) == exactX {
                    return Number(exponent)
                }
            }
        }
        // Python's math.log10 and math.log2 are more accurate than ln(x)/ln(b).
        if base == Number(10), x.doubleValue.isNormal { return try arithmetic.floating(Foundation.log10(x.doubleValue)) }
        if base == Number(2), x.doubleValue.isNormal { return try arithmetic.floating(Foundation.log2(x.doubleValue)) }
        return try arithmetic.floating(lnX / lnBase)
    }

    private func naturalLogarithm(_ x: Number, _ arithmetic: Arithmetic) throws(CalculatorError) -> Double {
        switch x {
        case .exact(let value): return arithmetic.naturalLogarithm(value)
        case .approximate(let value): return Foundation.log(value)
        }
    }

    /// floor and ceil: exact integers, except for floats beyond 2^53, whose digits
    /// below the binary precision would be noise.
    private func rounded(_ x: Number, _ operation: (Rational) -> BigInt, _ arithmetic: Arithmetic) throws(CalculatorError) -> Number {
        switch x {
        case .exact(let value):
            return try arithmetic.settle(Rational(operation(value)))
        case .approximate(let value):
            if value.magnitude >= 0x1p53 { return .approximate(value) }
            return try arithmetic.settle(Rational(operation(Rational(exactly: value) ?? .zero)))
        }
    }

    /// round(x) and round(x, digits): halves away from zero (2.5 → 3, -2.5 → -3,
    /// round(1.25, 1) = 1.3), on the exact value; a float stays a float unless the
    /// result is an integer below 2^53.
    private func round(_ x: Number, digits: Number, _ arithmetic: Arithmetic) throws(CalculatorError) -> Number {
        guard let places = digits.integerValue, places.magnitude <= BigUInt(arithmetic.limits.maximumFractionDigits) else {
            throw CalculatorError(.domain("round's digits must be an integer from -\(arithmetic.limits.maximumFractionDigits) to \(arithmetic.limits.maximumFractionDigits)"))
        }
        if case .approximate(let value) = x, value.magnitude >= 0x1p53 { return x }
        guard let exact = x.rationalValue else { throw CalculatorError(.overflow) }
        let scale = Rational(BigInt(10).power(Int(places.magnitude)))
        let scaled = places.sign == .minus ? exact / scale : exact * scale
        let integer = Rational(scaled.roundedHalfAwayFromZero)
        let result = places.sign == .minus ? integer * scale : integer / scale
        if x.isExact || (result.isInteger && result.numerator.magnitude.bitWidth <= 53) { return try arithmetic.settle(result) }
        return try arithmetic.floating(result.doubleValue)
    }

    /// gcd and lcm of integers (always non-negative; gcd(0, 0) = 0, lcm with 0 is 0).
    private func divisibility(_ arguments: [Number], _ arithmetic: Arithmetic) throws(CalculatorError) -> Number {
        var integers: [BigUInt] = []
        for argument in arguments {
            guard let integer = argument.integerValue else { throw CalculatorError(.domain("\(name) needs integers")) }
            integers.append(integer.magnitude)
        }
        var result = integers[0]
        for integer in integers.dropFirst() {
            let divisor = IntegerAlgorithms.greatestCommonDivisor(result, integer)
            if self == .gcd {
                result = divisor
            } else {
                result = divisor.isZero ? 0 : result / divisor * integer
                _ = try arithmetic.settle(Rational(BigInt(result)))
            }
        }
        return try arithmetic.settle(Rational(BigInt(result)))
    }
}
