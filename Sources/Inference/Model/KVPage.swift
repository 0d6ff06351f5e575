/// Keys and values of `KVCache.pageSize` consecutive positions for every layer.
///
/// Pages are shared between a session and its forks; a page is written only by a
/// cache that holds the only reference to it (copy on write), so a fork costs
/// nothing until one side writes into a shared page. Pages loaded from a prompt
/// cache file point into the read-only mapping and are copied before any write.
final class KVPage: @unchecked Sendable {
    /// (layer, pageSize, keyValueWidth) halves.
    let keys: UnsafeMutablePointer<UInt16>
    /// (layer, pageSize, keyValueWidth) halves.
    let values: UnsafeMutablePointer<UInt16>
    let elementCount: Int
    /// Set for pages inside a mapped file: never written, never freed here.
    private let mapping: MappedFile?

    var isWritable: Bool { mapping == nil }

    init(elementCount: Int) {
        self.elementCount = elementCount
        keys = .allocate(capacity: elementCount)
        values = .allocate(capacity: elementCount)
        mapping = nil
    }

    /// A page whose data lives in `mapping` (a prompt cache file).
    init(mapping: MappedFile, keys: UnsafePointer<UInt16>, values: UnsafePointer<UInt16>, elementCount: Int) {
        self.elementCount = elementCount
        self.keys = UnsafeMutablePointer(mutating: keys)
        self.values = UnsafeMutablePointer(mutating: values)
        self.mapping = mapping
    }

    /// A private, writable copy.
    func copy() -> KVPage {
        let page = KVPage(elementCount: elementCount)
        page.keys.update(from: keys, count: elementCount)
        page.values.update(from: values, count: elementCount)
        return page
    }

    deinit {
        if mapping == nil {
            keys.deallocate()
            values.deallocate()
        }
    }
}
