#if canImport(Glibc)
import Glibc
#endif
@testable import AgentTools

/// What the model reads for `expression` with the default limits: the value, or
/// "error: …".
func calc(_ expression: String, limits: CalculatorLimits = CalculatorLimits()) -> String {
    do {
        return try Calculator(limits: limits).evaluate(expression)
    } catch {
        return "error: \(error)"
    }
}

/// How long `body` takes, in seconds.
/// The CPU time `body` takes on this thread: what the work costs, whatever else the
/// machine is doing (wall-clock time grows when other tests share the two cores).
func seconds(_ body: () -> Void) -> Double {
    func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
    let start = now()
    body()
    return now() - start
}

/// A small deterministic random number generator (SplitMix64) for reproducible tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
