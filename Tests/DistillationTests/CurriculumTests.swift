import Foundation
import Testing
@testable import Distillation

/// The curriculum: answers right by construction, the same for a seed, and disjoint
/// from the evaluation sets (no question, template wording, page or puzzle of theirs).
struct CurriculumTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let list = repository.appendingPathComponent("data/curriculum/game24-ranks-1-900.tsv").path
    static let curriculum = Curriculum(game24ListPath: list)

    /// The evaluation sets' items (tools/eval-sets/*.jsonl) as JSON objects.
    static func evaluationItems() throws -> [[String: Any]] {
        let folder = repository.appendingPathComponent("tools/eval-sets")
        var items: [[String: Any]] = []
        for name in ["arithmetic", "browsing", "plotting", "game24"] {
            let text = try String(contentsOf: folder.appendingPathComponent(name + ".jsonl"), encoding: .utf8)
            for line in text.split(separator: "\n") where !line.isEmpty {
                items.append(try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]))
            }
        }
        return items
    }

    @Test("the same seed gives the same curriculum; another seed another one; every kind is there")
    func seeded() throws {
        let first = try Self.curriculum.items(perKind: 12, seed: 5)
        #expect(first == (try Self.curriculum.items(perKind: 12, seed: 5)))
        #expect(first != (try Self.curriculum.items(perKind: 12, seed: 6)))
        #expect(Set(first.map(\.kind)) == Set(CurriculumItem.Kind.allCases))
        #expect(Set(first.map(\.id)).count == first.count, "ids are unique")
        // Asking for fewer kinds keeps the others' items.
        let arithmetic = try Self.curriculum.items(kinds: [.arithmetic], perKind: 12, seed: 5)
        #expect(arithmetic == first.filter { $0.kind == .arithmetic })
    }

    @Test("arithmetic and word-problem answers equal Python-free recomputation from the question's numbers")
    func answersRight() throws {
        for item in try Self.curriculum.items(kinds: [.arithmetic], perKind: 200, seed: 1) {
            guard case let .number(answer) = item.expected else { Issue.record("\(item.id) has no number"); continue }
            let numbers = item.question.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            #expect(numbers.count == 2, "\(item.question)")
            let (a, b) = (max(numbers[0], numbers[1]), min(numbers[0], numbers[1]))
            let expected: Int = switch item.template.prefix(while: { $0 != "-" }) {
            case "sum": a + b
            case "difference": a - b
            case "product": a * b
            case "quotient": a % b == 0 ? a / b : -1
            default: a * b / 100  // a percentage of a whole that comes out whole
            }
            #expect(Int(answer) == expected, "\(item.id): \(item.question) → \(answer)")
        }
    }

    @Test("Game of 24 items are solvable puzzles of ranks 1-900 only, never an evaluation puzzle")
    func game24() throws {
        let puzzles = try Game24Curriculum.load(path: Self.list)
        #expect(puzzles.count > 800 && puzzles.allSatisfy { (1...900).contains($0.rank) })
        let evaluated = Set(try Self.evaluationItems().compactMap { $0["numbers"] as? [Int] }.map { $0.sorted() })
        let items = try Self.curriculum.items(kinds: [.game24], perKind: 1000, seed: 3)
        #expect(items.count > 700, "every trainable puzzle once")
        for item in items {
            guard case let .game24(numbers) = item.expected else { continue }
            #expect(!evaluated.contains(numbers.sorted()), "\(item.id) is an evaluation puzzle")
            #expect(Self.solvable(numbers.map(Double.init)), "\(item.id) has no solution")
        }
    }

    @Test("a list file with an evaluation rank or a malformed line is refused with its line number")
    func listValidated() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("curriculum-\(UUID()).tsv")
        defer { try? FileManager.default.removeItem(at: file) }
        try "# comment\n1\t1 1 4 6\n950\t1 2 3 4\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: CurriculumError.malformedLine(path: file.path, line: 3, reason: "rank 950 is reserved for evaluation (only 1–900 may be trained on)")) {
            try Game24Curriculum.load(path: file.path)
        }
        try "1\t1 1 4\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: CurriculumError.self) { try Game24Curriculum.load(path: file.path) }
        #expect(throws: CurriculumError.missingFile("/nonexistent/list.tsv")) { try Game24Curriculum.load(path: "/nonexistent/list.tsv") }
    }

    @Test("no curriculum question is an evaluation question, nor worded by one of their templates; pages hold their answers")
    func disjointFromEvaluation() throws {
        let evaluation = try Self.evaluationItems()
        let questions = Set(evaluation.compactMap { $0["question"] as? String })
        // A template's fixed words: the question with its numbers and names taken out.
        func skeleton(_ text: String) -> String {
            text.replacingOccurrences(of: "\\{base\\}/[A-Za-z0-9-]+\\.html", with: "URL", options: .regularExpression)
                .replacingOccurrences(of: "[0-9][0-9,.]*", with: "N", options: .regularExpression)
        }
        let evaluationSkeletons = Set(questions.map(skeleton))
        var repeated: [String] = []
        for item in try Self.curriculum.items(perKind: 100, seed: 9) {
            if questions.contains(item.question) || evaluationSkeletons.contains(skeleton(item.question)) {
                repeated.append(item.question)
            }
            if case let .text(answer) = item.expected, let page = item.page {
                #expect(page.html.contains(answer), "\(item.id): the page does not state \(answer)")
                let evaluationPages = try FileManager.default.contentsOfDirectory(atPath: Self.repository.appendingPathComponent("tools/eval-sets/pages").path)
                #expect(!evaluationPages.contains(page.name))
            }
        }
        #expect(repeated.isEmpty, "worded as evaluation questions: \(Set(repeated).sorted())")
    }

    /// Whether four numbers make 24 with + - * / (rationals, by brute force in doubles).
    static func solvable(_ numbers: [Double]) -> Bool {
        if numbers.count == 1 { return abs(numbers[0] - 24) < 1e-9 }
        for i in numbers.indices {
            for j in numbers.indices where j != i {
                let rest = numbers.indices.filter { $0 != i && $0 != j }.map { numbers[$0] }
                let (a, b) = (numbers[i], numbers[j])
                var results = [a + b, a - b, a * b]
                if b != 0 { results.append(a / b) }
                if results.contains(where: { solvable(rest + [$0]) }) { return true }
            }
        }
        return false
    }
}
