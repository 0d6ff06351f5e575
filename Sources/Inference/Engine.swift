/// Process-wide engine settings.
public enum Engine {
    /// Sets how many threads split each matrix product (default: the processor count).
    public static func setThreadCount(_ count: Int) {
        ParallelRows.threadCount = max(1, count)
    }
}
