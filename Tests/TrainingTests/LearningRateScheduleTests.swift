import Foundation
import Testing
@testable import Training

/// The learning-rate schedule: linear warm-up, then cosine decay to a tenth.
struct LearningRateScheduleTests {
    @Test("warm-up rises linearly to the peak, the cosine ends at a tenth on the last step")
    func shape() {
        let schedule = LearningRateSchedule(peak: 1e-3, totalSteps: 105, warmupSteps: 5)
        #expect(abs(schedule.rate(at: 0) - 2e-4) < 1e-15)
        #expect(abs(schedule.rate(at: 2) - 6e-4) < 1e-15)
        #expect(abs(schedule.rate(at: 4) - 1e-3) < 1e-15)
        // The first decay step is the peak, the middle is halfway to the floor, the last the floor.
        #expect(abs(schedule.rate(at: 5) - 1e-3) < 1e-15)
        #expect(abs(schedule.rate(at: 55) - (1e-4 + 9e-4 * 0.5 * (1 + cos(Double.pi * 50 / 99)))) < 1e-15)
        #expect(abs(schedule.rate(at: 104) - 1e-4) < 1e-15)
        let rates = (5..<105).map(schedule.rate(at:))
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 }, "the decay never rises")
    }

    @Test("the default warm-up is 5% of the steps, rounded")
    func defaultWarmup() {
        #expect(LearningRateSchedule(peak: 1, totalSteps: 200).warmupSteps == 10)
        #expect(LearningRateSchedule(peak: 1, totalSteps: 10).warmupSteps == 1)
        #expect(LearningRateSchedule(peak: 1, totalSteps: 5).warmupSteps == 0)
        #expect(LearningRateSchedule(peak: 1, totalSteps: 5).rate(at: 0) == 1, "no warm-up: the first step has the peak")
        #expect(LearningRateSchedule(peak: 1, totalSteps: 3, warmupSteps: 10).warmupSteps == 3)
    }

    @Test("runs of one and two steps")
    func tinyRuns() {
        #expect(LearningRateSchedule(peak: 0.5, totalSteps: 1, warmupSteps: 0).rate(at: 0) == 0.5)
        let two = LearningRateSchedule(peak: 0.5, totalSteps: 2, warmupSteps: 0)
        #expect(two.rate(at: 0) == 0.5 && abs(two.rate(at: 1) - 0.05) < 1e-15)
    }
}
