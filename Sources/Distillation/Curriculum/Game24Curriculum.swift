import Foundation

/// Game of 24 puzzles of ranks 1–900 of the public list (`data/curriculum/game24-ranks-1-900.tsv`,
/// which holds no others: ranks 901–1000 are for evaluation only and never trained on).
/// The evaluation's dev puzzles (ranks 1, 31, 61, …) are left out too.
enum Game24Curriculum {
    /// A ranked puzzle.
    struct Ranked: Equatable {
        var rank: Int
        var numbers: [Int]
    }

    /// The puzzles in the list file: `rank<TAB>n n n n` lines, `#` comments.
    static func load(path: String) throws(CurriculumError) -> [Ranked] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .missingFile(path) }
        var puzzles: [Ranked] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: "\t")
            let numbers = fields.count == 2 ? fields[1].split(separator: " ").compactMap { Int($0) } : []
            guard fields.count == 2, let rank = Int(fields[0]), numbers.count == 4 else {
                throw .malformedLine(path: path, line: index + 1, reason: "expected 'rank<TAB>four numbers'")
            }
            guard rank <= 900 else {
                throw .malformedLine(path: path, line: index + 1, reason: "rank \(rank) is reserved for evaluation (only 1–900 may be trained on)")
            }
            puzzles.append(Ranked(rank: rank, numbers: numbers))
        }
        return puzzles
    }

    static let wordings: [(name: String, text: @Sendable (String) -> String)] = [
        ("game24-reach", { "Reach 24 using \($0), each once, with + - * /." }),
        ("game24-make", { "Can you make 24 from \($0)? Use every number exactly once." }),
        ("game24-combine", { "Combine \($0) with addition, subtraction, multiplication and division to get 24." }),
    ]

    /// `count` puzzles drawn without repetition (fewer if the list is shorter).
    static func items(count: Int, puzzles: [Ranked], random: inout CurriculumRandom) -> [CurriculumItem] {
        let trainable = puzzles.filter { ($0.rank - 1) % 30 != 0 }
        return random.sample(trainable, count: min(count, trainable.count)).map { puzzle in
            let wording = random.pick(wordings)
            return CurriculumItem(
                id: "game24-rank-\(puzzle.rank)", kind: .game24, template: wording.name,
                question: wording.text(puzzle.numbers.map(String.init).joined(separator: " ")), expected: .game24(numbers: puzzle.numbers))
        }
    }
}

/// Why a curriculum could not be made.
public enum CurriculumError: Error, Equatable, CustomStringConvertible {
    case missingFile(String)
    case malformedLine(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .missingFile(path): "the curriculum file \(path) is missing or unreadable (it ships in the repository's data/curriculum)"
        case let .malformedLine(path, line, reason): "\(path):\(line): \(reason)"
        }
    }
}
