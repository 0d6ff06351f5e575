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

/// The engine's worker threads, taken for one kernel call at a time (the engine's own
/// products take them too, so calls must not nest).
struct KernelPool {
    let transformer: Transformer

    func run<T>(_ body: (OpaquePointer?) -> T) -> T {
        transformer.withComputePool(body)
    }
}
