import Inference

/// Floats on the heap with a fixed capacity, freed with the buffer: the activations and
/// gradients of one training pass, handed to the kernels as pointers.
final class FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let capacity: Int

    init(_ capacity: Int) {
        self.capacity = max(1, capacity)
        pointer = .allocate(capacity: self.capacity)
        pointer.initialize(repeating: 0, count: self.capacity)
    }

    deinit { pointer.deallocate() }

    /// Sets the first `count` floats to zero.
    func zero(_ count: Int) {
        pointer.update(repeating: 0, count: count)
    }
}

/// A seeded generator (SplitMix64) for the initial values of A: the same seed gives
/// the same adapter on every machine.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The engine's worker threads, taken for one kernel call at a time (the engine's own
/// products take them too, so calls must not nest).
struct KernelPool {
    let transformer: Transformer

    func run<T>(_ body: (OpaquePointer?) -> T) -> T {
        transformer.withComputePool(body)
    }
}
