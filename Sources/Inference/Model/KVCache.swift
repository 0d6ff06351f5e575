/// Keys and values of every position processed so far, per layer, stored as halves
/// (as llama.cpp does by default), in pages of `pageSize` positions allocated as
/// the context fills. `fork()` shares every page with the copy; a page shared by
/// two caches is copied by the first that writes to it.
public final class KVCache: @unchecked Sendable {
    /// Positions per page: small enough that a fork copies little, large enough that
    /// attention runs over long contiguous stretches.
    public static let pageSize = 32

    /// Most positions this cache may hold (the context length).
    public let capacity: Int
    let layerCount: Int
    let keyValueWidth: Int
    var pages: [KVPage] = []
    /// Positions filled, from 0.
    public internal(set) var count = 0

    /// Halves in one page: (layer, pageSize, keyValueWidth).
    var pageElementCount: Int { layerCount * Self.pageSize * keyValueWidth }

    /// Bytes a cache of `capacity` positions needs for `config`.
    /// `Int.max` when the product overflows.
    public static func byteCount(config: ModelConfig, capacity: Int) -> Int {
        let pages = capacity / pageSize + (capacity % pageSize == 0 ? 0 : 1)
        let factors = [config.blockCount, pages, pageSize, config.headCountKV, config.headDimension, MemoryLayout<UInt16>.size]
        var bytes = 2
        for factor in factors {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: factor)
            if overflow || factor < 0 { return .max }
            bytes = product
        }
        return bytes
    }

    /// A cache for up to `capacity` positions; memory is taken as positions fill.
    /// - Throws: `InferenceError.contextTooLarge` when a full cache would not fit in memory.
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
    }

    private init(copying other: KVCache) {
        capacity = other.capacity
        layerCount = other.layerCount
        keyValueWidth = other.keyValueWidth
        pages = other.pages
        count = other.count
    }

    /// A cache with the same contents that shares all memory with this one until
    /// either writes.
    public func fork() -> KVCache {
        KVCache(copying: self)
    }

    /// Forgets positions from `position` on, releasing pages no longer needed.
    public func truncate(to position: Int) {
        count = min(count, max(0, position))
        let needed = (count + Self.pageSize - 1) / Self.pageSize
        if pages.count > needed { pages.removeLast(pages.count - needed) }
    }

    /// Makes positions `range` writable: allocates missing pages and copies shared ones.
    func prepareForWriting(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        let firstPage = range.lowerBound / Self.pageSize
        let lastPage = (range.upperBound - 1) / Self.pageSize
        while pages.count <= lastPage { pages.append(KVPage(elementCount: pageElementCount)) }
        for index in firstPage...lastPage where !pages[index].isWritable || !isKnownUniquelyReferenced(&pages[index]) {
            pages[index] = pages[index].copy()
        }
    }

    /// Offset of (layer, position) within a page.
    @inline(__always)
    private func offset(layer: Int, position: Int) -> Int {
        (layer * Self.pageSize + position % Self.pageSize) * keyValueWidth
    }

    func keys(layer: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        pages[position / Self.pageSize].keys + offset(layer: layer, position: position)
    }

    func values(layer: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        pages[position / Self.pageSize].values + offset(layer: layer, position: position)
    }

    /// For each page covering positions 0..<positions, the start of `layer`'s keys
    /// (and values) in it: what the attention kernel walks.
    func pagePointers(layer: Int, positions: Int) -> (keys: [UnsafePointer<UInt16>?], values: [UnsafePointer<UInt16>?]) {
        let count = (positions + Self.pageSize - 1) / Self.pageSize
        let base = layer * Self.pageSize * keyValueWidth
        var keys: [UnsafePointer<UInt16>?] = []
        var values: [UnsafePointer<UInt16>?] = []
        keys.reserveCapacity(count)
        values.reserveCapacity(count)
        for page in pages.prefix(count) {
            keys.append(UnsafePointer(page.keys + base))
            values.append(UnsafePointer(page.values + base))
        }
        return (keys, values)
    }
}
