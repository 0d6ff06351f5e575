import Synchronization
import Testing
import AgentTools

/// `Deadline` on a clock the test moves by hand: the time left, the stop control,
/// limits derived from it, and the race that cuts a call short.
struct DeadlineTests {
    /// A clock that moves only when told.
    final class HandClock: DeadlineClock {
        private let time = Mutex(Duration.zero)
        var now: Duration { time.withLock { $0 } }
        func advance(by duration: Duration) { time.withLock { $0 += duration } }
    }

    @Test("the time left counts down to zero and the deadline is past at its instant")
    func remaining() {
        let clock = HandClock()
        let deadline = Deadline.after(.seconds(10), on: clock)
        #expect(deadline.remaining == .seconds(10) && !deadline.isPast && !deadline.timeIsUp)
        clock.advance(by: .seconds(4))
        #expect(deadline.remaining == .seconds(6) && !deadline.isPast)
        clock.advance(by: .seconds(6))
        #expect(deadline.remaining == .zero && deadline.isPast && deadline.timeIsUp && !deadline.isStopped)
        clock.advance(by: .seconds(5))
        #expect(deadline.remaining == .zero)
    }

    @Test("an unlimited deadline has no time left to count and ends only when stopped")
    func unlimited() {
        let clock = HandClock()
        let deadline = Deadline.unlimited(on: clock)
        clock.advance(by: .seconds(1_000_000))
        #expect(deadline.remaining == nil && deadline.wallInstant == nil && !deadline.isPast)
        deadline.stop()
        #expect(deadline.isPast && deadline.isStopped && !deadline.timeIsUp)
    }

    @Test("a stop makes a deadline past without using up its time; copies and derived deadlines share it")
    func stop() {
        let clock = HandClock()
        let deadline = Deadline.after(.seconds(10), on: clock)
        let copy = deadline
        let step = deadline.limited(to: .seconds(2))
        let other = Deadline.after(.seconds(10), on: clock)
        step.stop()
        #expect(deadline.isPast && copy.isPast && step.isPast && deadline.isStopped)
        #expect(!deadline.timeIsUp && deadline.remaining == .seconds(10))
        #expect(!other.isPast)
    }

    @Test("a limit is the sooner of the deadline and the limit from now")
    func limited() {
        let clock = HandClock()
        let deadline = Deadline.after(.seconds(10), on: clock)
        #expect(deadline.limited(to: .seconds(3)).remaining == .seconds(3))
        clock.advance(by: .seconds(8))
        #expect(deadline.limited(to: .seconds(3)).remaining == .seconds(2))
        #expect(Deadline.unlimited(on: clock).limited(to: .seconds(3)).remaining == .seconds(3))
        let step = deadline.limited(to: .seconds(1))
        clock.advance(by: .seconds(1))
        #expect(step.isPast && !deadline.isPast)
    }

    @Test("the real clock's instant is the time left from now")
    func wallInstant() throws {
        let before = ContinuousClock.now
        let instant = try #require(Deadline.after(.seconds(5)).wallInstant)
        #expect(instant - before >= .seconds(4.9) && instant - ContinuousClock.now <= .seconds(5))
    }

    @Test("a body that finishes first gives its value")
    func raceWon() async throws {
        let deadline = Deadline.after(.seconds(10), on: HandClock())
        #expect(try await deadline.race { 42 } == 42)
    }

    @Test("a body that hangs past the instant is cancelled and gives nil")
    func raceLostToTime() async throws {
        let clock = HandClock()
        let deadline = Deadline.after(.seconds(10), on: clock)
        let cancelled = Mutex(false)
        let started = ContinuousClock.now
        let value: Int? = try await deadline.race {
            clock.advance(by: .seconds(11))
            do {
                try await Task.sleep(for: .seconds(600))
            } catch {
                cancelled.withLock { $0 = true }
                throw error
            }
            return 1
        }
        #expect(value == nil && cancelled.withLock { $0 })
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("a stop request while the body runs cancels it and gives nil")
    func raceLostToStop() async throws {
        let deadline = Deadline.unlimited(on: HandClock())
        let value: Int? = try await deadline.race {
            deadline.stop()
            try await Task.sleep(for: .seconds(600))
            return 1
        }
        #expect(value == nil)
    }

    @Test("an error the body throws for its own reasons is thrown")
    func raceThrows() async throws {
        struct Broken: Error {}
        let deadline = Deadline.after(.seconds(10), on: HandClock())
        await #expect(throws: Broken.self) { try await deadline.race { () async throws -> Int in throw Broken() } }
    }

    @Test("a body that gives up because time ran out gives nil, not its error")
    func raceGivenUp() async throws {
        struct GaveUp: Error {}
        let clock = HandClock()
        let deadline = Deadline.after(.seconds(10), on: clock)
        let value: Int? = try await deadline.race {
            clock.advance(by: .seconds(10))
            throw GaveUp()
        }
        #expect(value == nil)
    }
}
