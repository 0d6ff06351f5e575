import Synchronization

/// Where a deadline reads the time: the real clock, or one a test moves by hand.
public protocol DeadlineClock: Sendable {
    /// Time since an arbitrary fixed origin (each clock its own).
    var now: Duration { get }
}

/// The real, monotonic clock.
public struct WallClock: DeadlineClock {
    private let origin = ContinuousClock.now

    /// A clock whose origin is now.
    public init() {}

    /// Time since this clock was made.
    public var now: Duration { ContinuousClock.now - origin }
}

/// When work must end: an instant on a clock, and a stop control a person (Ctrl-C)
/// or a server (a client gone) can use to end it sooner.
///
/// One value goes from the front end through the assistant, the search, each
/// thought's sampling, the planner and the tools: each reads `isPast` between
/// steps (or tokens), derives a shorter deadline of its own with `limited(to:)`,
/// or wraps a call that does not watch the clock in `race(_:)`. Copies, and
/// deadlines derived from this one, share its stop control: stopping any of them
/// stops them all.
///
///     let deadline = Deadline.after(.seconds(30))
///     let reply = try await deadline.race { try await server.slowCall() }  // nil: time was up first
public struct Deadline: Sendable {
    /// The clock `instant` is read on.
    public let clock: any DeadlineClock
    /// The instant on `clock` when time is up; nil when only a stop ends the work.
    public let instant: Duration?
    private let control: StopControl

    /// How often `race(_:)` looks at the clock and the stop control: often enough
    /// that a call is cut short within a small fraction of a second, rarely enough
    /// to cost nothing beside a model call.
    public static let pollInterval = Duration.milliseconds(20)

    /// A deadline at `instant` on `clock` (nil: no time limit), with a stop control of its own.
    public init(at instant: Duration?, on clock: any DeadlineClock = WallClock()) {
        self.init(clock: clock, instant: instant, control: StopControl())
    }

    private init(clock: any DeadlineClock, instant: Duration?, control: StopControl) {
        self.clock = clock
        self.instant = instant
        self.control = control
    }

    /// A deadline `duration` from now on `clock`.
    public static func after(_ duration: Duration, on clock: any DeadlineClock = WallClock()) -> Deadline {
        Deadline(at: clock.now + duration, on: clock)
    }

    /// A deadline with no time limit: only a stop ends the work.
    public static func unlimited(on clock: any DeadlineClock = WallClock()) -> Deadline {
        Deadline(at: nil, on: clock)
    }

    /// Time left before the instant (zero once it has passed); nil when there is no
    /// time limit. A stop request does not change it.
    public var remaining: Duration? {
        instant.map { max(.zero, $0 - clock.now) }
    }

    /// True once the instant has passed (a stop request not counted).
    public var timeIsUp: Bool {
        instant.map { clock.now >= $0 } ?? false
    }

    /// True once the instant has passed or a stop was requested: the work should end.
    public var isPast: Bool { timeIsUp || isStopped }

    /// True once `stop()` was called on this deadline, a copy or a relative.
    public var isStopped: Bool { control.isStopped }

    /// Asks the work to end now (it answers with the best it has).
    public func stop() { control.stop() }

    /// This deadline, or `duration` from now if that comes sooner; the stop control
    /// is shared.
    public func limited(to duration: Duration) -> Deadline {
        let limit = clock.now + duration
        return Deadline(clock: clock, instant: instant.map { min($0, limit) } ?? limit, control: control)
    }

    /// The instant on the real clock that corresponds to this deadline, for waits
    /// that only know the real clock (a child process, a download); nil when there
    /// is no time limit.
    public var wallInstant: ContinuousClock.Instant? {
        remaining.map { ContinuousClock.now + $0 }
    }

    /// Runs `body`, cancelling it when time is up or a stop is requested first; nil
    /// then. A call that does not watch the clock itself (a remote server reading a
    /// long prompt streams nothing meanwhile) is cut short too, within
    /// `pollInterval`. An error `body` throws because it was cut short gives nil as
    /// well; other errors, and the caller's own cancellation, are thrown.
    public func race<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        let deadline = self
        return try await withThrowingTaskGroup(of: RaceOutcome<T>.self) { group in
            group.addTask { .finished(try await body()) }
            group.addTask {
                while !deadline.isPast {
                    try await Task.sleep(for: Self.pollInterval)
                }
                return .timeIsUp
            }
            defer { group.cancelAll() }
            do {
                switch try await group.next() {
                case .finished(let value)?: return value
                default: return nil
                }
            } catch where !Task.isCancelled && deadline.isPast {
                // The body gave up because the deadline passed meanwhile.
                return nil
            }
        }
    }
}

/// The shared flag behind `Deadline.stop()`.
private final class StopControl: Sendable {
    private let stopped = Atomic<Bool>(false)

    func stop() { stopped.store(true, ordering: .relaxed) }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }
}

/// Which ended first in a race: the body, or the deadline.
private enum RaceOutcome<T: Sendable>: Sendable {
    case finished(T)
    case timeIsUp
}
