/// The self-improvement curriculum: problems of every kind the fast path handles,
/// generated with known answers from a seed, balanced across kinds.
public struct Curriculum: Sendable {
    /// Where the ranked Game of 24 list is (`data/curriculum/game24-ranks-1-900.tsv`).
    public var game24ListPath: String
    /// The list's file name in `data/curriculum`.
    public static let game24ListName = "game24-ranks-1-900.tsv"

    /// A curriculum reading Game of 24 puzzles from `game24ListPath`.
    public init(game24ListPath: String) {
        self.game24ListPath = game24ListPath
    }

    /// `perKind` items of each of `kinds` (fewer where a kind has fewer: chat prompts,
    /// the puzzle list), the same for the same seed.
    public func items(kinds: [CurriculumItem.Kind] = CurriculumItem.Kind.allCases, perKind: Int, seed: UInt64) throws(CurriculumError) -> [CurriculumItem] {
        var items: [CurriculumItem] = []
        for kind in kinds {
            // Each kind draws from its own stream, so asking for fewer kinds keeps the rest.
            var random = CurriculumRandom(seed: seed &+ UInt64(CurriculumItem.Kind.allCases.firstIndex(of: kind) ?? 0) &* 0x9E37_79B9)
            switch kind {
            case .arithmetic: items += ArithmeticCurriculum.arithmetic(count: perKind, random: &random)
            case .wordProblem: items += ArithmeticCurriculum.wordProblems(count: perKind, random: &random)
            case .page: items += PageCurriculum.items(count: perKind, random: &random)
            case .plot: items += PlotCurriculum.items(count: perKind, random: &random)
            case .game24: items += Game24Curriculum.items(count: perKind, puzzles: try Game24Curriculum.load(path: game24ListPath), random: &random)
            case .chat: items += ChatCurriculum.items(count: perKind, random: &random)
            }
        }
        return items
    }
}
