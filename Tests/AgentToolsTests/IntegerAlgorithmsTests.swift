import BigInt
import Testing
@testable import AgentTools

/// The integer and rational building blocks, against simpler references.
struct IntegerAlgorithmsTests {
    static func randomInteger(bits: Int, using generator: inout SeededGenerator) -> BigUInt {
        var words: [UInt] = []
        for _ in 0..<max(1, (bits + 63) / 64) { words.append(UInt(generator.next())) }
        return BigUInt(words: words) >> (words.count * 64 - bits)
    }

    @Test("Lehmer's gcd equals the binary gcd")
    func greatestCommonDivisor() {
        var generator = SeededGenerator(seed: 1)
        for bits in [1, 10, 62, 63, 64, 65, 130, 1_000, 5_000] {
            for _ in 0..<20 {
                let common = Self.randomInteger(bits: bits / 3 + 1, using: &generator)
                let a = Self.randomInteger(bits: bits, using: &generator) * common
                let b = Self.randomInteger(bits: Int.random(in: 1...bits, using: &generator), using: &generator) * common
                #expect(IntegerAlgorithms.greatestCommonDivisor(a, b) == a.greatestCommonDivisor(with: b))
            }
        }
        #expect(IntegerAlgorithms.greatestCommonDivisor(0, 0) == 0)
        #expect(IntegerAlgorithms.greatestCommonDivisor(0, 12) == 12)
        // Consecutive Fibonacci numbers: the longest run of Euclid's steps.
        var (f, g) = (BigUInt(1), BigUInt(1))
        for _ in 0..<3_000 { (f, g) = (g, f + g) }
        #expect(IntegerAlgorithms.greatestCommonDivisor(f, g) == 1)
        #expect(IntegerAlgorithms.greatestCommonDivisor(f * 12, g * 18) == 6)
    }

    @Test("Lehmer's gcd is fast on 66,000-bit numbers")
    func greatestCommonDivisorSpeed() {
        let a = BigUInt(3).power(41_640) + 12_345, b = BigUInt(7).power(23_510) + 777
        #expect(seconds { _ = IntegerAlgorithms.greatestCommonDivisor(a, b) } < 0.1)
    }

    @Test("integer roots: floor of the root; exact roots only of perfect powers")
    func roots() {
        var generator = SeededGenerator(seed: 2)
        for degree in [2, 3, 5, 7, 64] {
            for bits in [1, 8, 20, 31, 32, 33, 50, 64, 65, 100, 200, 3_000] where degree * bits <= 20_000 {
                let root = Self.randomInteger(bits: bits, using: &generator) + 1
                let power = root.power(degree)
                #expect(IntegerAlgorithms.integerRoot(power, degree: degree) == root)
                #expect(IntegerAlgorithms.integerRoot(power - 1, degree: degree) == root - 1)
                #expect(IntegerAlgorithms.integerRoot(power + 1, degree: degree) == root)
                #expect(IntegerAlgorithms.exactRoot(power, degree: degree) == root)
                if root > 1 { #expect(IntegerAlgorithms.exactRoot(power + 1, degree: degree) == nil) }
            }
        }
        // Powers of two, whose roots sit at the boundaries of each recursion level.
        for degree in [2, 3, 4, 63, 64] {
            for exponent in stride(from: 1, through: 700, by: 7) {
                let root = BigUInt(1) << exponent
                let power = IntegerAlgorithms.power(root, degree)
                #expect(IntegerAlgorithms.exactRoot(power, degree: degree) == root, "2^\(exponent), degree \(degree)")
                #expect(IntegerAlgorithms.integerRoot(power - 1, degree: degree) == root - 1)
            }
        }
        #expect(IntegerAlgorithms.exactRoot(0, degree: 3) == 0)
        #expect(IntegerAlgorithms.exactRoot(1, degree: 9) == 1)
    }

    @Test("left-to-right powers equal BigUInt's")
    func powers() {
        var generator = SeededGenerator(seed: 4)
        for exponent in [0, 1, 2, 3, 7, 8, 62, 63, 64, 1_000] {
            let base = Self.randomInteger(bits: 70, using: &generator)
            #expect(IntegerAlgorithms.power(base, exponent) == base.power(exponent))
        }
    }

    @Test("factorials by product tree")
    func factorials() {
        var product = BigUInt(1)
        for n in 0...300 {
            if n > 1 { product *= BigUInt(n) }
            #expect(IntegerAlgorithms.factorial(n) == product)
        }
    }

    @Test("decimal digit counts, including around powers of ten")
    func digitCounts() {
        for exponent in [0, 1, 18, 19, 20, 100, 5_000] {
            let power = IntegerAlgorithms.powerOfTen(exponent)
            #expect(IntegerAlgorithms.decimalDigitCount(power) == exponent + 1)
            if exponent > 0 { #expect(IntegerAlgorithms.decimalDigitCount(power - 1) == exponent) }
        }
        #expect(IntegerAlgorithms.decimalDigitCount(0) == 1)
    }

    @Test("rationals convert to the nearest double, and doubles to their exact value")
    func doubleConversion() {
        #expect(Rational(1, 3).doubleValue == 1.0 / 3.0)
        #expect(Rational(-2, 3).doubleValue == -2.0 / 3.0)
        #expect(Rational(1, 10).doubleValue == 0.1)
        #expect(Rational(BigInt(10).power(400)).doubleValue == .infinity)
        #expect(Rational(1, BigInt(10).power(400)).doubleValue == 0)
        // 2^53 + 1 lies halfway between two doubles: ties go to even.
        #expect(Rational(BigInt(1) << 53 + 1).doubleValue == 0x1p53)
        #expect(Rational((BigInt(1) << 53) + 3).doubleValue == 0x1p53 + 4)
        // Just above the halfway point rounds up.
        #expect(Rational((BigInt(1) << 54) + 2 + 1, 2).doubleValue == 0x1p53 + 2)
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<2_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            #expect(Rational(exactly: value)?.doubleValue == value, "\(value)")
        }
        #expect(Rational(exactly: .infinity) == nil)
        #expect(Rational(exactly: 0.5) == Rational(1, 2))
        #expect(Rational(exactly: -3) == Rational(-3))
    }

    @Test("rational arithmetic keeps lowest terms and a positive denominator")
    func rationalArithmetic() {
        #expect(Rational(2, -4) == Rational(-1, 2))
        #expect(Rational(2, -4).denominator == 2)
        #expect(Rational(1, 3) + Rational(1, 6) == Rational(1, 2))
        #expect(Rational(1, 3) - Rational(1, 3) == .zero)
        #expect(Rational(3, 4) / Rational(-3, 8) == Rational(-2))
        #expect(Rational(-7, 2).floor == -4)
        #expect(Rational(-7, 2).ceiling == -3)
        #expect(Rational(-5, 2).roundedHalfAwayFromZero == -3)
        #expect(Rational(5, 2).roundedHalfAwayFromZero == 3)
        #expect(Rational(-2, 3).power(-3) == Rational(-27, 8))
        #expect(Rational(1, 3) < Rational(1, 2))
        #expect(Rational(-1, 2) < Rational(-1, 3))
    }
}
