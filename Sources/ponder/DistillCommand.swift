import ArgumentParser
import Agent
import Distillation
import Foundation

/// `ponder distill`: self-improvement from verified traces of the slow path.
struct DistillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Self-improvement: problems with known answers, verified traces, fine-tuning rounds.",
        discussion: """
            The curriculum holds problems of every kind the agent handles (arithmetic, word \
            problems, questions about generated pages, plot requests, Game of 24 puzzles of \
            ranks 1-900 of the public list, plain chat), each with an answer known by \
            construction and worded unlike the evaluation sets.
            """,
        subcommands: [DistillCurriculumCommand.self, DistillCollectCommand.self, DistillShipCommand.self, DistillEvalCommand.self, DistillRunCommand.self])
}

/// `ponder distill curriculum`: prints the curriculum as JSON lines.
struct DistillCurriculumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curriculum",
        abstract: "Print curriculum problems with their known answers, one JSON object per line.",
        discussion: """
            Example: ponder distill curriculum --kinds arithmetic,game24 --per-kind 20 --seed 7
            """)

    @Option(help: ArgumentHelp(
        "Kinds to generate, comma-separated (\(CurriculumItem.Kind.allCases.map(\.rawValue).joined(separator: ", "))).",
        valueName: "kinds"))
    var kinds = CurriculumItem.Kind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(name: .customLong("per-kind"), help: "Problems of each kind (fewer where a kind has fewer).")
    var perKind = 10

    @Option(help: "Seed: the same seed gives the same problems.")
    var seed: UInt64 = 1

    func validate() throws {
        guard (1...100_000).contains(perKind) else { throw ValidationError("--per-kind must be between 1 and 100000") }
        _ = try parsedKinds()
    }

    func parsedKinds() throws -> [CurriculumItem.Kind] {
        try kinds.split(separator: ",").map { name in
            guard let kind = CurriculumItem.Kind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown kind '\(name)' in --kinds; known: \(CurriculumItem.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
    }

    func run() throws {
        try reportingErrors {
            let folder = try PromptLibrary.locate(folder: "data/curriculum", containing: Curriculum.game24ListName)
            let list = folder.directory + "/" + Curriculum.game24ListName
            let items = try Curriculum(game24ListPath: list).items(kinds: parsedKinds(), perKind: perKind, seed: seed)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for item in items { print(String(decoding: try encoder.encode(item), as: UTF8.self)) }
        }
    }
}
