import Inference

/// The seeded draws the generators make: the same seed gives the same curriculum.
struct CurriculumRandom {
    private var generator: SeededGenerator

    init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    /// A whole number in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &generator)
    }

    /// One of `options`.
    mutating func pick<T>(_ options: [T]) -> T {
        options[int(0...(options.count - 1))]
    }

    /// `count` distinct elements of `options`, in random order.
    mutating func sample<T>(_ options: [T], count: Int) -> [T] {
        Array(options.shuffled(using: &generator).prefix(count))
    }
}
