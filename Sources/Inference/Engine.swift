/// Process-wide engine settings.
public enum Engine {
    /// Sets how many threads split each matrix product (default: the processor count).
    public static func setThreadCount(_ count: Int) {
        ComputePool.shared.setThreadCount(count)
    }

    /// The number of threads that split each matrix product.
    public static var threadCount: Int { ComputePool.shared.threadCount }
}
