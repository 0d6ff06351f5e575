/// Which verified traces go into the training file: no question twice, no two traces
/// of one kind and template whose model text is the same (once normalised), and at
/// most `maximumPerKind` of each kind. Kinds are balanced by trying the items in turns
/// (`interleaved`), so a cap or an interruption leaves every kind its share.
public struct TraceSelection: Sendable {
    /// What became of a verified trace.
    public enum Admission: String, Sendable, Equatable {
        /// Written to the file.
        case kept
        /// The same question, or the same text for the same kind and template, was kept before.
        case duplicate
        /// Its kind already has `maximumPerKind` traces.
        case overCap = "over-cap"
    }

    /// At most this many traces of each kind (nil: no cap).
    public let maximumPerKind: Int?
    private var questions: Set<String> = []
    private var texts: Set<String> = []
    private var counts: [CurriculumItem.Kind: Int] = [:]

    /// A selection keeping at most `maximumPerKind` traces of each kind.
    public init(maximumPerKind: Int? = nil) {
        self.maximumPerKind = maximumPerKind
    }

    /// Decides on `trace`, and remembers it when kept.
    public mutating func admit(_ trace: TrainingTrace) -> Admission {
        let question = Self.normalised(trace.question)
        let text = "\(trace.kind.rawValue)\u{1F}\(trace.template)\u{1F}\(Self.normalised(trace.assistantText))"
        if questions.contains(question) || texts.contains(text) { return .duplicate }
        if isFull(trace.kind) { return .overCap }
        questions.insert(question)
        texts.insert(text)
        counts[trace.kind, default: 0] += 1
        return .kept
    }

    /// Whether `kind` has its `maximumPerKind` traces (its other items need not be tried).
    public func isFull(_ kind: CurriculumItem.Kind) -> Bool {
        guard let maximumPerKind else { return false }
        return counts[kind, default: 0] >= maximumPerKind
    }

    /// How many traces of `kind` were kept.
    public func count(of kind: CurriculumItem.Kind) -> Int {
        counts[kind, default: 0]
    }

    /// Lower case, runs of white space as one space, trimmed.
    static func normalised(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `items` in turns: the first of each kind (in the order kinds first appear), then
    /// the second of each, and so on.
    public static func interleaved(_ items: [CurriculumItem]) -> [CurriculumItem] {
        var kinds: [CurriculumItem.Kind] = []
        var byKind: [CurriculumItem.Kind: [CurriculumItem]] = [:]
        for item in items {
            if byKind[item.kind] == nil { kinds.append(item.kind) }
            byKind[item.kind, default: []].append(item)
        }
        let rounds = byKind.values.map(\.count).max() ?? 0
        return (0..<rounds).flatMap { round in kinds.compactMap { kind in byKind[kind].flatMap { round < $0.count ? $0[round] : nil } } }
    }
}
