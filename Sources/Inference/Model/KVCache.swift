import CKernels

/// Keys and values of every position processed so far, per layer, stored as
/// halves (as llama.cpp does by default): `capacity` positions of
/// `keyValueWidth` values each.
public final class KVCache: @unchecked Sendable {
    public let capacity: Int
    let layerCount: Int
    let keyValueWidth: Int
    /// (layer, capacity, keyValueWidth)
    let keys: UnsafeMutablePointer<UInt16>
    /// (layer, capacity, keyValueWidth)
    let values: UnsafeMutablePointer<UInt16>
    /// Positions filled, from 0.
    public internal(set) var count = 0

    /// Bytes a cache of `capacity` positions needs for `config`.
    public static func byteCount(config: ModelConfig, capacity: Int) -> Int {
        2 * config.blockCount * capacity * config.headCountKV * config.headDimension * MemoryLayout<UInt16>.size
    }

    /// Allocates a cache for `capacity` positions.
    /// - Throws: `InferenceError.contextTooLarge` when it would not fit in memory.
    public init(config: ModelConfig, capacity: Int) throws(InferenceError) {
        guard capacity > 0 else { throw .invalidArgument("the context must hold at least one token") }
        let bytes = Self.byteCount(config: config, capacity: capacity)
        // Leave room for the weights and everything else: at most ¾ of physical memory.
        let available = System.physicalMemory / 4 * 3
        guard bytes <= available else {
            throw .contextTooLarge(requested: capacity, bytesNeeded: bytes, bytesAvailable: available)
        }
        self.capacity = capacity
        layerCount = config.blockCount
        keyValueWidth = config.headCountKV * config.headDimension
        let elements = layerCount * capacity * keyValueWidth
        keys = .allocate(capacity: elements)
        values = .allocate(capacity: elements)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    func keys(layer: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        keys + (layer * capacity + position) * keyValueWidth
    }

    func values(layer: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        values + (layer * capacity + position) * keyValueWidth
    }

    /// Forgets positions from `position` on (their slots are overwritten later).
    public func truncate(to position: Int) {
        count = min(count, max(0, position))
    }
}
