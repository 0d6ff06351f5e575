import Agent
import ArgumentParser
import Distillation
import Foundation

/// `ponder distill eval`: the planner's evaluation sets scored in process, as each
/// distillation round is measured.
struct DistillEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score fast mode on the planner's evaluation sets (the measure of a distillation round).",
        discussion: """
            Answers the questions of --sets in --split greedily, one at a time, with the \
            model and its adapter (--lora, else the shipped one; --no-adapter for the base \
            model), and scores each answer as tools/eval does: the number stated, the \
            page's fact stated, the question's numbers plotted into a saved figure. \
            'verified' counts the answers that also pass the trace collection's checks. \
            tools/eval stays the reference for reported numbers (one process per question).

            Example: ponder distill eval --split dev --sets arithmetic --limit 40 --lora round-1.gguf
            """)

    @Option(name: .customLong("set-dir"), help: ArgumentHelp("The folder of the evaluation sets.", valueName: "dir"))
    var setDirectory = "tools/eval-sets"

    @Option(help: ArgumentHelp("Sets to score, comma-separated (\(EvaluationSet.names.joined(separator: ", "))).", valueName: "sets"))
    var sets = EvaluationSet.names.joined(separator: ",")

    @Option(help: "The split: dev (tuned on) or test (reported only).")
    var split = "dev"

    @Option(help: "Score at most this many questions of each set (spread over its kinds).")
    var limit: Int?

    @Option(help: ArgumentHelp("Also write every question's result as JSON to this file.", valueName: "file"))
    var out: String?

    @Flag(help: "Print the tally as JSON instead of a table.")
    var json = false

    @OptionGroup var engine: EngineOptions

    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard split == "dev" || split == "test" else { throw ValidationError("--split must be dev or test") }
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more") }
        for name in setNames where !EvaluationSet.names.contains(name) {
            throw ValidationError("unknown set '\(name)' in --sets; known: \(EvaluationSet.names.joined(separator: ", "))")
        }
    }

    var setNames: [String] {
        sets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() async throws {
        try await reportingErrors {
            var questions = try EvaluationSet.load(directory: setDirectory, sets: setNames, split: split)
            if let limit { questions = Self.limited(questions, to: limit) }
            guard !questions.isEmpty else { throw CLIError.invalidInput("no \(split) questions in \(setNames.joined(separator: ", ")) under \(setDirectory)") }
            let model = try AgentOptions.loadLocalModel(engine: engine, modelOptions: modelOptions)
            let setup = try DistillPlanner(model: model, seed: 1)
            var pages: [String: GeneratedPage] = [:]
            for page in questions.compactMap(\.item.page) { pages[page.name] = page }
            let server = try await PageServer.start(pages: pages.values.sorted { $0.name < $1.name })
            for index in questions.indices { questions[index].item = server.filled(questions[index].item) }
            let results: [EvaluationResult]
            do {
                let total = questions.count
                results = try await DevEvaluation(planner: setup.planner).run(questions) { done, result in
                    FileHandleOutput.writeToStandardError(
                        "[\(done)/\(total)] \(result.id) \(result.correct ? "right" : "wrong")\(result.rejection.map { " (\($0))" } ?? "")\n")
                }
            } catch {
                await server.stop()
                await setup.close()
                throw error
            }
            await server.stop()
            await setup.close()
            let tally = EvaluationTally(results)
            if let out {
                try AgentJSON.encode(results).write(toFile: out, atomically: true, encoding: .utf8)
            }
            print(json ? try AgentJSON.encode(tally) : tally.table)
        }
    }

    /// At most `limit` questions of each set, taken in turn from its kinds.
    static func limited(_ questions: [EvaluationSet.Question], to limit: Int) -> [EvaluationSet.Question] {
        var kept: [EvaluationSet.Question] = []
        for set in Set(questions.map(\.set)).sorted() {
            let ofSet = questions.filter { $0.set == set }
            var byKind = Dictionary(grouping: ofSet, by: \.kind).sorted { $0.key < $1.key }.map { $0.value[...] }
            var taken = 0
            while taken < limit, byKind.contains(where: { !$0.isEmpty }) {
                for index in byKind.indices where taken < limit {
                    if let next = byKind[index].popFirst() {
                        kept.append(next)
                        taken += 1
                    }
                }
            }
        }
        return kept
    }
}
