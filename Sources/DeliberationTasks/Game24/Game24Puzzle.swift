import Foundation

/// A Game of 24 puzzle: four numbers to combine with + − × ÷, each used once, so
/// that the result is 24.
public struct Game24Puzzle: Sendable, Equatable {
    /// The number to make.
    public static let target = 24
    /// The numbers, in the order the question gives them.
    public let numbers: [Int]

    /// A puzzle of these numbers.
    public init(numbers: [Int]) {
        self.numbers = numbers
    }

    /// The puzzle a question poses, recognised by what it says: it asks to make
    /// (get, reach, …) 24, and names four other whole numbers from 1 to 99.
    ///
    ///     "Use the numbers 4 5 6 10 and + - * / to make 24."   → [4, 5, 6, 10]
    ///     "Can you get 24 from 1, 1, 4 and 6?"                 → [1, 1, 4, 6]
    public init?(question: String) {
        let text = question.lowercased()
        let asks = text.contains(/(make|makes|get|reach|obtain|equal|equals|total|give|gives|produce)\s+(exactly\s+)?24\b/)
            || text.contains(/\b(game of 24|24 game)\b/)
        guard asks else { return nil }
        // The numbers are every whole number but the target's mention.
        var numbers = text.matches(of: /\d+(\.\d+)?/).compactMap { Int($0.output.0) }
        guard let targetIndex = numbers.lastIndex(of: Self.target) else { return nil }
        numbers.remove(at: targetIndex)
        guard numbers.count == 4, numbers.allSatisfy({ (1...99).contains($0) }) else { return nil }
        self.numbers = numbers
    }
}
