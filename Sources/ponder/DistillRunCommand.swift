import Agent
import ArgumentParser
import Distillation
import Foundation

/// `ponder distill run`: rounds of collect → train → evaluate (expert iteration).
struct DistillRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Rounds of self-improvement: collect verified traces, train an adapter, score it on the dev split.",
        discussion: """
            Round 0 scores the base model on the dev split of the planner's evaluation \
            sets. Each round r then collects verified traces with the previous round's \
            adapter (new curriculum problems: seed + r - 1), trains a new adapter from the \
            base model on every round's traces so far, and scores it. Everything is \
            written under --out: round-R/traces.jsonl, train.jsonl, adapter.gguf (with its \
            loss curve and log), eval.json; and report.md, report.json, accuracy.png.

            Each step runs as its own 'ponder' process (distill collect, train, distill \
            eval), with its progress shown. A step whose output exists is not run again, \
            so the same command continues an interrupted run.

            Example: ponder distill run --rounds 2 --per-kind 200 --out distill-runs/a
            """)

    @Option(help: "Rounds of collect → train → evaluate after round 0.")
    var rounds = 2

    @Option(help: ArgumentHelp("The folder for the rounds' files and the report (created).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Kinds to collect, comma-separated.", valueName: "kinds"))
    var kinds = "arithmetic,word-problem,page,plot,chat"

    @Option(name: .customLong("per-kind"), help: "Curriculum problems of each kind tried per round.")
    var perKind = 100

    @Option(help: "Seed of the curriculum (each round adds its number) and of training.")
    var seed: UInt64 = 1

    @Option(help: "Sampled runs for a problem whose greedy run is not verified.")
    var samples = 3

    @Option(name: .customLong("max-per-kind"), help: "Keep at most this many traces of each kind per round.")
    var maxPerKind: Int?

    @Option(help: "LoRA rank of the adapters.")
    var rank = 8

    @Option(help: "Passes over each round's training data.")
    var epochs = 2

    @Option(name: .customLong("lr"), help: "Peak learning rate.")
    var learningRate = 1e-3

    @Option(help: "Training sequence length in tokens.")
    var context = 1024

    @Option(name: .customLong("eval-limit"), help: "Dev questions scored per set each round (all: omit).")
    var evalLimit: Int?

    @Option(name: .customLong("set-dir"), help: ArgumentHelp("The folder of the evaluation sets.", valueName: "dir"))
    var setDirectory = "tools/eval-sets"

    @Option(name: [.customShort("t"), .long], help: "Worker threads of each step.")
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("The base model (default: the default model).", valueName: "path"))
    var model: String?

    func validate() throws {
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be between 1 and 20") }
        guard perKind >= 1 else { throw ValidationError("--per-kind must be 1 or more") }
        guard rank >= 1, epochs >= 1, context >= 64 else { throw ValidationError("--rank and --epochs must be 1 or more, --context at least 64") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--lr must be positive") }
        if let evalLimit, evalLimit < 1 { throw ValidationError("--eval-limit must be 1 or more") }
    }

    func run() throws {
        try reportingErrors {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var report = DistillationReport(rounds: [], command: (["ponder"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
            report.rounds.append(try evaluate(round: 0, adapter: nil, traces: [:], trainedOn: 0))
            try write(report)
            var previous: String?
            var trainingFiles: [String] = []
            for round in 1...rounds {
                let folder = roundFolder(round)
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let traces = try collect(round: round, adapter: previous)
                trainingFiles.append(folder + "/traces.jsonl")
                let trainingData = folder + "/train.jsonl"
                let conversations = try concatenate(trainingFiles, into: trainingData)
                guard conversations > 0 else {
                    throw CLIError.invalidInput("round \(round) has no verified traces to train on; try more --per-kind or --samples")
                }
                let adapter = try train(round: round, data: trainingData)
                report.rounds.append(try evaluate(round: round, adapter: adapter, traces: traces, trainedOn: conversations))
                try write(report)
                previous = adapter
            }
            print(report.markdown)
            print("report: \(out)/report.md, \(out)/accuracy.png")
        }
    }

    func roundFolder(_ round: Int) -> String { out + "/round-\(round)" }

    /// The model options every step passes: the base model, and `adapter` or none.
    func modelArguments(adapter: String?) -> [String] {
        (model.map { ["--model", $0] } ?? []) + (adapter.map { ["--lora", $0] } ?? ["--no-adapter"])
            + (threads.map { ["-t", String($0)] } ?? [])
    }

    /// Round `round`'s collection with the previous adapter; its kept traces by kind.
    func collect(round: Int, adapter: String?) throws -> [String: Int] {
        let folder = roundFolder(round)
        let summaryPath = folder + "/collect.json"
        if !FileManager.default.fileExists(atPath: summaryPath) {
            var arguments = [
                "distill", "collect", "--kinds", kinds, "--per-kind", String(perKind), "--seed", String(seed &+ UInt64(round - 1)),
                "--samples", String(samples), "--out", folder + "/traces.jsonl", "--json",
            ]
            if let maxPerKind { arguments += ["--max-per-kind", String(maxPerKind)] }
            let output = try StepProcess.run(arguments + modelArguments(adapter: adapter), step: "round \(round): collect")
            try output.write(toFile: summaryPath, atomically: true, encoding: .utf8)
        }
        // `distill collect --json`: {"summary": {"kinds": [{"kind", "kept", …}], …}, …}.
        struct Output: Decodable {
            struct Summary: Decodable { let kinds: [Row] }
            struct Row: Decodable { let kind: String, kept: Int }
            let summary: Summary
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: summaryPath))
        guard let output = try? JSONDecoder().decode(Output.self, from: data) else {
            throw CLIError.invalidInput("\(summaryPath) is not a collection summary; remove it to collect round \(round) again")
        }
        return Dictionary(output.summary.kinds.map { ($0.kind, $0.kept) }, uniquingKeysWith: +)
    }

    /// Joins the rounds' trace files into `path`; the number of conversations.
    func concatenate(_ files: [String], into path: String) throws -> Int {
        var joined = Data()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            joined += data
            if let last = data.last, last != UInt8(ascii: "\n") { joined += Data("\n".utf8) }
        }
        try joined.write(to: URL(fileURLWithPath: path), options: .atomic)
        return joined.split(separator: UInt8(ascii: "\n")).count
    }

    /// Trains round `round`'s adapter from the base model; its path.
    func train(round: Int, data: String) throws -> String {
        let adapter = roundFolder(round) + "/adapter.gguf"
        guard !FileManager.default.fileExists(atPath: adapter) else { return adapter }
        let arguments = [
            "train", "--data", data, "--out", adapter, "--rank", String(rank), "--alpha", String(2 * rank),
            "--epochs", String(epochs), "--lr", String(learningRate), "--context", String(context), "--seed", String(seed),
        ] + (model.map { ["--model", $0] } ?? []) + (threads.map { ["-t", String($0)] } ?? [])
        _ = try StepProcess.run(arguments, step: "round \(round): train")
        return adapter
    }

    /// Scores round `round`'s model (the base model with `adapter`) on the dev split.
    func evaluate(round: Int, adapter: String?, traces: [String: Int], trainedOn: Int) throws -> DistillationReport.Round {
        let folder = roundFolder(round)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let resultsPath = folder + "/eval.json"
        if !FileManager.default.fileExists(atPath: resultsPath) {
            let partial = folder + "/eval.partial.json"
            let arguments = ["distill", "eval", "--split", "dev", "--set-dir", setDirectory, "--out", partial, "--json"]
                + (evalLimit.map { ["--limit", String($0)] } ?? []) + modelArguments(adapter: adapter)
            _ = try StepProcess.run(arguments, step: "round \(round): evaluate")
            try FileManager.default.moveItem(atPath: partial, toPath: resultsPath)
        }
        let results = try JSONDecoder().decode([EvaluationResult].self, from: Data(contentsOf: URL(fileURLWithPath: resultsPath)))
        return DistillationReport.Round(round: round, traces: traces, trainedOn: trainedOn, adapter: adapter, evaluation: EvaluationTally(results))
    }

    /// The report as JSON, Markdown and PNG.
    func write(_ report: DistillationReport) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(report).write(to: URL(fileURLWithPath: out + "/report.json"), options: .atomic)
        try report.markdown.write(toFile: out + "/report.md", atomically: true, encoding: .utf8)
        try report.png().write(to: URL(fileURLWithPath: out + "/accuracy.png"), options: .atomic)
    }
}

/// A step of a distillation run: this program run again with `arguments`, its
/// progress on our standard error, its standard output returned.
enum StepProcess {
    static func run(_ arguments: [String], step: String) throws -> String {
        printError("— \(step): ponder \(arguments.joined(separator: " "))")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RuntimeFiles.executablePath)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError.invalidInput("\(step) failed (exit status \(process.terminationStatus)); its messages are above. "
                + "Run the same command again to continue from the last finished step.")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
