import Foundation

/// Okapi BM25 over a fixed list of documents: ranks them by how well they match a
/// query's terms, weighting rare terms up and long documents down.
public struct BM25: Sendable {
    /// Term-frequency saturation.
    public var k1: Double = 1.2
    /// How much a document's length counts against it (0: not at all, 1: fully).
    public var b: Double = 0.75
    private let documents: [[String: Int]]
    private let lengths: [Int]
    private let averageLength: Double
    private let documentFrequency: [String: Int]

    /// An index of `documents`, each given as its search terms (see `SearchTerms`).
    public init(documents: [[String]]) {
        self.documents = documents.map { terms in terms.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
        lengths = documents.map(\.count)
        averageLength = documents.isEmpty ? 1 : max(1, Double(lengths.reduce(0, +)) / Double(documents.count))
        var frequency: [String: Int] = [:]
        for document in self.documents { for term in document.keys { frequency[term, default: 0] += 1 } }
        documentFrequency = frequency
    }

    /// How many documents are indexed.
    public var count: Int { documents.count }

    /// The score of document `index` for `query` (its search terms); 0 when no term matches.
    public func score(_ index: Int, query: [String]) -> Double {
        let document = documents[index]
        let lengthFactor = 1 - b + b * Double(lengths[index]) / averageLength
        var total = 0.0
        for term in Set(query) {
            guard let frequency = document[term] else { continue }
            let containing = Double(documentFrequency[term] ?? 0)
            let inverse = log(1 + (Double(documents.count) - containing + 0.5) / (containing + 0.5))
            let f = Double(frequency)
            total += inverse * f * (k1 + 1) / (f + k1 * lengthFactor)
        }
        return total
    }

    /// The indices of the `limit` best documents for `query`, best first; ties keep
    /// the documents' order. Documents that match no term come last.
    public func ranked(_ query: [String], limit: Int = .max) -> [(index: Int, score: Double)] {
        let scored = documents.indices.map { (index: $0, score: score($0, query: query)) }
        let sorted = scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
        return Array(sorted.prefix(limit))
    }
}
