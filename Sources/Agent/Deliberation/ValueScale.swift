import Foundation

/// How a value prompt's answer is read: the probability the model gives each word
/// ("sure", "likely", "impossible") as its next token, weighted by the word's value.
/// Reading probabilities instead of sampling one word gives a graded score from a
/// single step, and small models' uncertainty shows in it.
public struct ValueScale: Sendable {
    /// The words and what each is worth (0…1).
    public var words: [(word: String, value: Double)]

    /// A scale of `words`, each with its value (0…1).
    public init(words: [(word: String, value: Double)]) {
        self.words = words
    }

    /// sure = 1, likely = 0.5, impossible = 0.
    public static let standard = ValueScale(words: [("sure", 1), ("likely", 0.5), ("impossible", 0)])

    /// The expected value given the next-token alternatives, or nil when none of
    /// them starts one of the words. A token counts for a word when its text,
    /// trimmed and lowercased, is a non-empty start of the word ("sure", " Sure",
    /// "imp"); a token that could start two words counts for neither.
    public func value(of alternatives: [TokenAlternative]) -> Double? {
        var mass = Array(repeating: 0.0, count: words.count)
        for alternative in alternatives {
            let text = alternative.text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            guard !text.isEmpty else { continue }
            let matching = words.indices.filter { words[$0].word.hasPrefix(text) }
            guard matching.count == 1 else { continue }
            mass[matching[0]] += exp(alternative.logProbability)
        }
        let total = mass.reduce(0, +)
        guard total > 0 else { return nil }
        return zip(mass, words).reduce(0) { $0 + $1.0 * $1.1.value } / total
    }
}
