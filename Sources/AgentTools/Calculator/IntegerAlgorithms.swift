import BigInt
import Foundation

/// Integer algorithms the calculator needs beyond what `BigUInt` offers: a fast
/// greatest common divisor, exact roots, logarithms of numbers too large for a
/// `Double`, and powers of ten.
enum IntegerAlgorithms {
    /// The greatest common divisor by Lehmer's algorithm (Knuth, TAOCP vol. 2,
    /// 4.5.2, Algorithm L): Euclid's steps are simulated on the leading 62 bits and
    /// applied to the full numbers in batches. `BigUInt`'s own binary GCD takes a
    /// quarter of a second on 66,000-bit numbers; this takes a few milliseconds.
    static func greatestCommonDivisor(_ first: BigUInt, _ second: BigUInt) -> BigUInt {
        var (a, b) = first >= second ? (first, second) : (second, first)
        while b.bitWidth > 62 {
            // When the sizes differ a lot, one division does more than a batch of steps.
            if a.bitWidth - b.bitWidth > 30 {
                (a, b) = (b, a % b)
                continue
            }
            let shift = a.bitWidth - 62
            var x = Int64(truncatingIfNeeded: (a >> shift).words.first ?? 0)
            var y = Int64(truncatingIfNeeded: (b >> shift).words.first ?? 0)
            var (cofactorA, cofactorB, cofactorC, cofactorD): (Int64, Int64, Int64, Int64) = (1, 0, 0, 1)
            while y + cofactorC != 0 && y + cofactorD != 0 {
                let quotient = (x + cofactorA) / (y + cofactorC)
                guard quotient == (x + cofactorB) / (y + cofactorD) else { break }
                let (productC, overflowC) = quotient.multipliedReportingOverflow(by: cofactorC)
                let (productD, overflowD) = quotient.multipliedReportingOverflow(by: cofactorD)
                let (productY, overflowY) = quotient.multipliedReportingOverflow(by: y)
                guard !overflowC, !overflowD, !overflowY else { break }
                (cofactorA, cofactorC) = (cofactorC, cofactorA - productC)
                (cofactorB, cofactorD) = (cofactorD, cofactorB - productD)
                (x, y) = (y, x - productY)
            }
            if cofactorB == 0 {
                (a, b) = (b, a % b)
            } else {
                let signedA = BigInt(a), signedB = BigInt(b)
                let nextA = BigInt(cofactorA) * signedA + BigInt(cofactorB) * signedB
                let nextB = BigInt(cofactorC) * signedA + BigInt(cofactorD) * signedB
                (a, b) = (nextA.magnitude, nextB.magnitude)
                if a < b { swap(&a, &b) }
            }
        }
        guard !b.isZero else { return a }
        var small = UInt64(b)
        var remainder = UInt64(a % b)
        while remainder != 0 {
            (small, remainder) = (remainder, small % remainder)
        }
        return BigUInt(small)
    }

    /// The largest integer whose `degree`-th power is at most `value`.
    ///
    /// The root of the leading bits, found recursively, gives the leading half of the
    /// root's bits and an estimate just above the root; Newton's method from above
    /// then decreases to it in a step or two. So the full-size powers and divisions are
    /// done a few times, not once per doubling of the precision.
    static func integerRoot(_ value: BigUInt, degree: Int) -> BigUInt {
        precondition(degree >= 1)
        if value < 2 || degree == 1 { return value }
        let rootBits = (value.bitWidth + degree - 1) / degree
        var estimate: BigUInt
        if rootBits <= 32 {
            // A float estimate (good to a fraction of a unit at this size), made exact.
            estimate = BigUInt(exp(naturalLogarithm(value) / Double(degree)).rounded())
            while estimate > 1 && power(estimate, degree) > value { estimate -= 1 }
            while power(estimate + 1, degree) <= value { estimate += 1 }
            return estimate
        }
        // A few more bits from the recursion than half make one Newton step enough.
        let lowBits = rootBits / 2 - 8
        estimate = (integerRoot(value >> (degree * lowBits), degree: degree) + 1) << lowBits
        let bigDegree = BigUInt(degree)
        while true {
            let next = (BigUInt(degree - 1) * estimate + value / power(estimate, degree - 1)) / bigDegree
            if next >= estimate { return estimate }
            estimate = next
        }
    }

    /// The `degree`-th root of `value` if it is an integer, else nil.
    static func exactRoot(_ value: BigUInt, degree: Int) -> BigUInt? {
        guard mayBePerfectPower(value, degree: degree) else { return nil }
        let root = integerRoot(value, degree: degree)
        // The lowest 64 bits of root^degree, in machine arithmetic, settle most cases.
        var lowWord: UInt64 = 1
        let rootWord = UInt64(truncatingIfNeeded: root.words.first ?? 0)
        for _ in 0..<degree { lowWord = lowWord &* rootWord }
        guard lowWord == UInt64(truncatingIfNeeded: value.words.first ?? 0) else { return nil }
        return power(root, degree) == value ? root : nil
    }

    /// base^exponent, left to right: square, then multiply by the (small) base where
    /// the exponent has a one bit. `BigUInt.power` squares right to left and squares
    /// once more after the last bit, which doubles the cost of large powers.
    static func power(_ base: BigUInt, _ exponent: Int) -> BigUInt {
        precondition(exponent >= 0)
        guard exponent > 0 else { return 1 }
        var result = base
        var bit = Int.bitWidth - exponent.leadingZeroBitCount - 2
        while bit >= 0 {
            result = result * result
            if (exponent >> bit) & 1 == 1 { result = result * base }
            bit -= 1
        }
        return result
    }

    /// False when `value` is certainly not a perfect `degree`-th power, judged from
    /// its remainders: by small moduli whose `degree`-th powers take few values, and
    /// by primes p = degree·j + 1, where a non-zero remainder r is a `degree`-th power
    /// exactly when r^((p-1)/degree) = 1 (mod p). Together they reject nearly all
    /// non-powers before any root is computed.
    static func mayBePerfectPower(_ value: BigUInt, degree: Int) -> Bool {
        guard degree > 1 else { return true }
        for modulus in [64, 63, 65, 11] {
            let remainder = Int(value % BigUInt(modulus))
            let isPowerRemainder = (0..<modulus).contains { base in
                modularPower(base, degree, modulus) == remainder
            }
            if !isPowerRemainder { return false }
        }
        var primesTried = 0
        var multiple = 1
        while primesTried < 6 && multiple < 1_000 {
            let prime = degree * multiple + 1
            multiple += 1
            guard isPrime(prime) else { continue }
            primesTried += 1
            let remainder = Int(value % BigUInt(prime))
            if remainder != 0 && modularPower(remainder, (prime - 1) / degree, prime) != 1 { return false }
        }
        return true
    }

    /// base^exponent mod modulus, for moduli below 2^31.
    private static func modularPower(_ base: Int, _ exponent: Int, _ modulus: Int) -> Int {
        var result = 1 % modulus, square = base % modulus, remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result = result * square % modulus }
            square = square * square % modulus
            remaining >>= 1
        }
        return result
    }

    private static func isPrime(_ candidate: Int) -> Bool {
        if candidate < 2 { return false }
        var divisor = 2
        while divisor * divisor <= candidate {
            if candidate % divisor == 0 { return false }
            divisor += 1
        }
        return true
    }

    /// n! by a product tree: small factors packed into machine words, then the words
    /// multiplied in balanced pairs (far fewer and cheaper big multiplications than
    /// one factor at a time).
    static func factorial(_ n: Int) -> BigUInt {
        var partialProducts: [BigUInt] = []
        var word: UInt64 = 1
        var factor: UInt64 = 2
        while factor <= UInt64(max(n, 1)) {
            let (product, overflow) = word.multipliedReportingOverflow(by: factor)
            if overflow {
                partialProducts.append(BigUInt(word))
                word = factor
            } else {
                word = product
            }
            factor += 1
        }
        partialProducts.append(BigUInt(word))
        while partialProducts.count > 1 {
            var paired: [BigUInt] = []
            paired.reserveCapacity((partialProducts.count + 1) / 2)
            for index in stride(from: 0, to: partialProducts.count, by: 2) {
                paired.append(index + 1 < partialProducts.count ? partialProducts[index] * partialProducts[index + 1] : partialProducts[index])
            }
            partialProducts = paired
        }
        return partialProducts[0]
    }

    /// The natural logarithm of a positive integer of any size.
    static func naturalLogarithm(_ value: BigUInt) -> Double {
        precondition(!value.isZero)
        let excess = value.bitWidth - 64
        guard excess > 0 else { return log(Double(value)) }
        return log(Double(value >> excess)) + Double(excess) * M_LN2
    }

    /// 10 to the power `exponent` (non-negative).
    static func powerOfTen(_ exponent: Int) -> BigUInt {
        power(10, exponent)
    }

    /// The number of decimal digits of `value` (1 for zero).
    static func decimalDigitCount(_ value: BigUInt) -> Int {
        if value.isZero { return 1 }
        // log10(2) ≈ 0.30103: the estimate is off by at most one, which a comparison settles.
        let estimate = Int(Double(value.bitWidth - 1) * 0.301_029_995_663_981_2) + 1
        return value >= powerOfTen(estimate) ? estimate + 1 : estimate
    }
}
