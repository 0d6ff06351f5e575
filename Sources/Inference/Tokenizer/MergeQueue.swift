/// A candidate merge of two adjacent symbols, ordered by priority and then by
/// position: the leftmost of equally good merges goes first, as in the reference.
struct MergeCandidate {
    /// Smaller is better (a BPE rank, or a negated SentencePiece score).
    var priority: Float
    var left: Int
    var right: Int
    /// Combined length when the candidate was made; a mismatch later means stale.
    var length: Int

    func precedes(_ other: MergeCandidate) -> Bool {
        priority < other.priority || (priority == other.priority && left < other.left)
    }
}

/// A binary min-heap of merge candidates. Stale entries are skipped when popped,
/// so each merge costs O(log n) instead of a rescan of the whole word.
struct MergeQueue {
    private var heap: [MergeCandidate] = []

    var isEmpty: Bool { heap.isEmpty }

    mutating func push(_ candidate: MergeCandidate) {
        heap.append(candidate)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> MergeCandidate? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var best = parent
                if left < heap.count && heap[left].precedes(heap[best]) { best = left }
                if right < heap.count && heap[right].precedes(heap[best]) { best = right }
                if best == parent { break }
                heap.swapAt(parent, best)
                parent = best
            }
        }
        return first
    }
}

/// A sequence of symbols as a doubly linked list over an array, so that merging two
/// neighbours is O(1). A merged-away symbol keeps length 0.
struct SymbolList {
    var start: [Int]
    var length: [Int]
    var previous: [Int]
    var next: [Int]

    init(lengths: [Int]) {
        var offset = 0
        start = lengths.map { length in defer { offset += length }; return offset }
        length = lengths
        previous = lengths.indices.map { $0 - 1 }
        next = lengths.indices.map { $0 + 1 < lengths.count ? $0 + 1 : -1 }
    }

    /// Merges symbol `right` into its left neighbour `left`.
    mutating func merge(_ left: Int, _ right: Int) {
        length[left] += length[right]
        length[right] = 0
        next[left] = next[right]
        if next[right] >= 0 { previous[next[right]] = left }
    }

    /// Indices of the remaining symbols, in order.
    var live: [Int] {
        var result: [Int] = []
        var i = start.isEmpty ? -1 : 0
        while i >= 0 { result.append(i); i = next[i] }
        return result
    }
}
