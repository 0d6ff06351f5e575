import CKernels
import Synchronization

/// The engine's worker threads (a `CKernels` pool), shared by every model in the
/// process. Parallel loops run one at a time: a forward pass holds the pool for
/// each of its products, so two sessions computing at once take turns.
final class ComputePool: @unchecked Sendable {
    static let shared = ComputePool()

    private let lock = Mutex<Void>(())
    private var pool: OpaquePointer?
    private(set) var threadCount: Int

    private init() {
        threadCount = System.defaultThreadCount
    }

    deinit { ck_pool_destroy(pool) }

    /// Sets the number of threads (the caller included); restarts the workers.
    func setThreadCount(_ count: Int) {
        lock.withLock { _ in
            ck_pool_destroy(pool)
            pool = nil
            threadCount = max(1, count)
        }
    }

    /// Runs `body` with the pool, starting the workers on first use.
    func withPool<T>(_ body: (OpaquePointer?) -> T) -> T {
        lock.withLock { _ in
            if pool == nil && threadCount > 1 { pool = ck_pool_create(Int32(threadCount)) }
            return body(pool)
        }
    }
}
