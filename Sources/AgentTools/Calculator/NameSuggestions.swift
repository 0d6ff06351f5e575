/// "Did you mean …?" for misspelt names, by edit distance.
enum NameSuggestions {
    /// The candidate closest to `name` (insertions, deletions, substitutions and swaps
    /// of neighbours each count one), if it is close enough to be a likely typo: one
    /// edit for names of two or three letters, two for longer ones, none for single letters.
    static func closest(to name: String, among candidates: [String]) -> String? {
        guard name.count > 1 else { return nil }
        let allowed = name.count <= 3 ? 1 : 2
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(Array(name), Array(candidate))
            if distance <= allowed && distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
    static func editDistance(_ first: [Character], _ second: [Character]) -> Int {
        if first.isEmpty { return second.count }
        if second.isEmpty { return first.count }
        var previousRow: [Int] = []
        var row = Array(0...second.count)
        for i in 1...first.count {
            let beforePrevious = previousRow
            previousRow = row
            row = [i] + Array(repeating: 0, count: second.count)
            for j in 1...second.count {
                let cost = first[i - 1] == second[j - 1] ? 0 : 1
                row[j] = min(previousRow[j] + 1, row[j - 1] + 1, previousRow[j - 1] + cost)
                if i > 1 && j > 1 && first[i - 1] == second[j - 2] && first[i - 2] == second[j - 1] {
                    row[j] = min(row[j], beforePrevious[j - 2] + 1)
                }
            }
        }
        return row[second.count]
    }
}
