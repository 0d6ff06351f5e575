import Foundation

/// Why the planner's evaluation sets cannot be read.
public enum EvaluationSetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A set's file cannot be read.
    case unreadable(path: String)
    /// A line is not a question of the evaluation's format.
    case malformed(path: String, line: Int, reason: String)
    /// A browsing question names a page the folder does not hold.
    case missingPage(path: String, line: Int, page: String)
    /// A set Ponder does not evaluate this way.
    case unknownSet(name: String)

    /// The problem as the user reads it.
    public var description: String {
        switch self {
        case .unreadable(let path): return "cannot read the evaluation set '\(path)'"
        case .malformed(let path, let line, let reason): return "\(path), line \(line): \(reason)"
        case .missingPage(let path, let line, let page): return "\(path), line \(line): the page '\(page)' is not in the set's pages/ folder"
        case .unknownSet(let name):
            return "unknown evaluation set '\(name)'; known: \(EvaluationSet.names.joined(separator: ", "))"
        }
    }
}

/// The planner's evaluation sets (`tools/eval-sets/arithmetic.jsonl`, `browsing.jsonl`,
/// `plotting.jsonl`, with the browsing pages in `pages/`) read as curriculum items, so
/// the collection's verifier scores them: what `ponder distill run` measures each round
/// with, on the dev split.
public enum EvaluationSet {
    /// The sets read this way (Game of 24 is measured by its own search's evaluation).
    public static let names = ["arithmetic", "browsing", "plotting"]

    /// One question of a set.
    public struct Question: Sendable, Equatable {
        /// The set it belongs to (`arithmetic`, …).
        public var set: String
        /// Its kind within the set (`product`, `deep`, `pie`, …).
        public var kind: String
        /// The question as an item with its expectation (and page).
        public var item: CurriculumItem
    }

    /// The questions of `sets` in `split` (`dev` or `test`) from the folder `directory`.
    public static func load(directory: String, sets: [String], split: String) throws(EvaluationSetError) -> [Question] {
        var questions: [Question] = []
        for set in sets {
            guard names.contains(set) else { throw .unknownSet(name: set) }
            let path = directory + "/" + set + ".jsonl"
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw .unreadable(path: path)
            }
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
                guard let question = try question(String(line), set: set, directory: directory, path: path, line: index + 1),
                    question.split == split
                else { continue }
                questions.append(Question(set: set, kind: question.kind, item: question.item))
            }
        }
        return questions
    }

    private struct Line: Decodable {
        var id: String
        var kind: String
        var split: String
        var question: String
        var check: Check
        struct Check: Decodable {
            var number: String?
            var contains: String?
            var page: String?
            var data: [Double]?
        }
    }

    private static func question(
        _ text: String, set: String, directory: String, path: String, line: Int
    ) throws(EvaluationSetError) -> (split: String, kind: String, item: CurriculumItem)? {
        let parsed: Line
        do {
            parsed = try JSONDecoder().decode(Line.self, from: Data(text.utf8))
        } catch {
            throw .malformed(path: path, line: line, reason: "not a question with id, kind, split, question and check")
        }
        let expectation: CurriculumItem.Expectation
        var page: GeneratedPage?
        switch set {
        case "arithmetic":
            guard let number = parsed.check.number else { throw .malformed(path: path, line: line, reason: "no check.number") }
            expectation = .number(value: number)
        case "browsing":
            guard let fact = parsed.check.contains, let name = parsed.check.page else {
                throw .malformed(path: path, line: line, reason: "no check.contains and check.page")
            }
            let pagePath = directory + "/pages/" + name
            guard let html = FileManager.default.contents(atPath: pagePath).map({ String(decoding: $0, as: UTF8.self) }) else {
                throw .missingPage(path: path, line: line, page: name)
            }
            expectation = .text(value: fact)
            page = GeneratedPage(name: name, html: html)
        default:
            guard let data = parsed.check.data else { throw .malformed(path: path, line: line, reason: "no check.data") }
            expectation = .plot(data: data)
        }
        let kind: CurriculumItem.Kind = set == "arithmetic" ? .arithmetic : set == "browsing" ? .page : .plot
        let item = CurriculumItem(id: parsed.id, kind: kind, template: parsed.kind, question: parsed.question, expected: expectation, page: page)
        return (parsed.split, parsed.kind, item)
    }
}
