import Foundation

/// The learning rate at each optimiser step: a linear warm-up to the peak, then a
/// cosine decay to a tenth of it at the last step (as in most LoRA recipes).
public struct LearningRateSchedule: Codable, Sendable, Equatable {
    /// The rate reached at the end of the warm-up.
    public let peak: Double
    /// Steps of the linear warm-up.
    public let warmupSteps: Int
    /// Steps of the whole run.
    public let totalSteps: Int
    /// The rate at the last step, as a share of the peak.
    public let finalFraction: Double

    /// The share of the steps that warm up when no count is given.
    public static let defaultWarmupShare = 0.05
    /// Where the cosine ends: a tenth of the peak keeps the last steps learning.
    public static let defaultFinalFraction = 0.1

    /// A schedule over `totalSteps` steps; `warmupSteps` nil means 5% of them.
    public init(peak: Double, totalSteps: Int, warmupSteps: Int? = nil, finalFraction: Double = defaultFinalFraction) {
        self.peak = peak
        self.totalSteps = max(1, totalSteps)
        self.warmupSteps = min(
            self.totalSteps, max(0, warmupSteps ?? Int((Double(self.totalSteps) * Self.defaultWarmupShare).rounded())))
        self.finalFraction = finalFraction
    }

    /// The rate of step `step` (0-based): `peak·(step+1)/warmup` while warming up, then
    /// `floor + (peak − floor)·½(1 + cos(π·progress))`, progress going 0 → 1 from the
    /// first step after the warm-up to the last step.
    public func rate(at step: Int) -> Double {
        if step < warmupSteps { return peak * Double(step + 1) / Double(warmupSteps) }
        let floor = peak * finalFraction
        let decaySteps = totalSteps - 1 - warmupSteps
        // A single step after the warm-up has nothing to decay over: it keeps the peak.
        guard decaySteps > 0 else { return peak }
        let progress = min(1, Double(step - warmupSteps) / Double(decaySteps))
        return floor + (peak - floor) * 0.5 * (1 + cos(Double.pi * progress))
    }
}
