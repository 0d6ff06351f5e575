import Agent
import AgentTools
import ArgumentParser
import Distillation
import Foundation
import Synchronization

/// `ponder distill collect`: runs the fast planner over curriculum problems and writes
/// the verified runs as training conversations.
struct DistillCollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Run the model over curriculum problems and write the verified traces as training data.",
        discussion: """
            Each problem is answered in fast mode with the tools, as 'ponder ask' would; \
            a run is kept only when it is verified (the number stated and computed by the \
            calculator from the question's numbers, the page fetched and its fact stated, \
            the question's numbers plotted into a saved figure, a chat reply without tools \
            that does not repeat itself). Kept runs are written to --out as they come, one \
            conversation per line in the planner's prompt form: the file is what \
            'ponder train --data' reads. Ctrl-C stops after the running problem and keeps \
            what was written. Pages are served on 127.0.0.1 for the run. Game of 24 \
            puzzles take the deliberate search's path (--game24-budget seconds, then the \
            exact solver), checked exactly. Example:
              ponder distill collect --kinds arithmetic,page,plot --per-kind 20 --seed 1 --out traces.jsonl
            """)

    @Option(help: ArgumentHelp(
        "Kinds to collect, comma-separated (\(CurriculumItem.Kind.allCases.map(\.rawValue).joined(separator: ", "))).",
        valueName: "kinds"))
    var kinds = CurriculumItem.Kind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(name: .customLong("per-kind"), help: "Problems of each kind to try (fewer where a kind has fewer).")
    var perKind = 10

    @Option(help: "Seed of the curriculum (the same seed gives the same problems) and of sampled runs.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("The JSONL file to write (replaced if it exists).", valueName: "file"))
    var out: String

    @Option(help: "Sampled runs for a problem whose greedy run is not verified (0: greedy only).")
    var samples = 0

    @Option(help: "Temperature of the sampled runs.")
    var temperature = 0.7

    @Option(name: .customLong("max-per-kind"), help: "Keep at most this many traces of each kind.")
    var maxPerKind: Int?

    @Option(
        name: .customLong("game24-budget"),
        help: ArgumentHelp(
            "Seconds of deliberate search per Game of 24 puzzle before the exact solver supplies the path (0: the solver alone).",
            valueName: "seconds"))
    var game24Budget: Double = 30

    @Flag(help: "Print the summary as one JSON object instead of a table.")
    var json = false

    @OptionGroup var engine: EngineOptions

    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard (1...100_000).contains(perKind) else { throw ValidationError("--per-kind must be between 1 and 100000") }
        guard (0...100).contains(samples) else { throw ValidationError("--samples must be between 0 and 100") }
        guard temperature > 0, temperature <= 5 else { throw ValidationError("--temperature must be above 0 and at most 5") }
        if let maxPerKind, maxPerKind < 1 { throw ValidationError("--max-per-kind must be 1 or more") }
        guard !out.isEmpty else { throw ValidationError("--out must name a file") }
        guard game24Budget >= 0, game24Budget <= 3600 else { throw ValidationError("--game24-budget must be between 0 and 3600 seconds") }
        _ = try parsedKinds()
    }

    func parsedKinds() throws -> [CurriculumItem.Kind] {
        let names = kinds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw ValidationError("--kinds names no kind") }
        var parsed: [CurriculumItem.Kind] = []
        for name in names {
            guard let kind = CurriculumItem.Kind(rawValue: name) else {
                throw ValidationError("unknown kind '\(name)' in --kinds; known: \(CurriculumItem.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !parsed.contains(kind) { parsed.append(kind) }
        }
        return parsed
    }

    func run() async throws {
        try await reportingErrors {
            let kinds = try parsedKinds()
            let writer = try TraceWriter(path: out)
            var items = try curriculum(kinds: kinds).items(kinds: kinds, perKind: perKind, seed: seed)
            let model = try AgentOptions.loadLocalModel(engine: engine, modelOptions: modelOptions)
            // The pages are on 127.0.0.1: the planner's fetcher may read loopback, as in the evaluation.
            let setup = try DistillPlanner(model: model, seed: seed, timeLimit: .seconds(Int(Self.timeLimit)))
            let (planner, prompts) = (setup.planner, setup.prompts)
            let pages = try await PageServer.serving(items)
            items = pages.items
            // Game of 24 traces come from the deliberate search's path (or the solver's).
            let game24 = Game24TraceCollector(model: model, prompts: prompts, budget: .milliseconds(Int(game24Budget * 1000)), seed: seed)
            let collector = TraceCollector(
                planner: planner, options: TraceCollectionOptions(samples: samples, temperature: temperature, seed: seed, maximumPerKind: maxPerKind),
                kindCollectors: [.game24: game24])
            let summary: CollectionSummary?
            do {
                summary = try await collect(items, with: collector, into: writer)
            } catch {
                await pages.server.stop()
                await setup.close()
                throw error
            }
            await pages.server.stop()
            await setup.close()
            guard let summary else { throw ExitCode(130) }
            try report(summary, writer: writer)
        }
    }

    /// Seconds one problem's run may take: a run longer than this on a small model is
    /// not one to learn from (`ponder ask` allows 300).
    static let timeLimit = 120.0
    /// Seconds past a problem's limits after which the collection is taken to hang.
    static let hangGrace = 120.0

    /// The curriculum; the Game of 24 list is looked for only when that kind is asked for.
    func curriculum(kinds: [CurriculumItem.Kind]) throws -> Curriculum {
        guard kinds.contains(.game24) else { return Curriculum(game24ListPath: "") }
        let folder = try PromptLibrary.locate(folder: "data/curriculum", containing: Curriculum.game24ListName)
        return Curriculum(game24ListPath: folder.directory + "/" + Curriculum.game24ListName)
    }

    /// Runs the collection with the progress display, writing each kept trace as it
    /// comes. Returns the summary, or nil after Ctrl-C (the summary so far is printed).
    func collect(_ items: [CurriculumItem], with collector: TraceCollector, into writer: TraceWriter) async throws -> CollectionSummary? {
        let stop = Deadline.unlimited()
        let interrupt = CollectInterrupt(stop: stop)
        defer { interrupt.cancel() }
        let watchdog = CollectWatchdog(limit: Self.timeLimit + game24Budget + Self.hangGrace)
        defer { watchdog.cancel() }
        var progress = CollectionProgress(redraws: isatty(STDERR_FILENO) != 0)
        var summary = CollectionSummary()
        for try await event in collector.collect(items, stop: stop) {
            if let text = progress.text(for: event) { FileHandleOutput.writeToStandardError(text) }
            watchdog.noteProgress(event)
            switch event {
            case .finished(_, _, .kept(let traces)): for trace in traces { try writer.write(trace) }
            case .summary(let done): summary = done
            default: break
            }
        }
        guard stop.isStopped else { return summary }
        try report(summary, writer: writer)
        printError("interrupted: \(writer.count) traces written to \(writer.path)")
        return nil
    }

    /// The summary on standard output: a table, or JSON with --json.
    func report(_ summary: CollectionSummary, writer: TraceWriter) throws {
        if json {
            struct Output: Encodable {
                let out: String
                let written: Int
                let summary: CollectionSummary
            }
            print(try AgentJSON.encode(Output(out: writer.path, written: writer.count, summary: summary)))
        } else {
            print(summary.table)
            print("\(writer.count) traces written to \(writer.path)")
        }
    }
}

/// Ctrl-C during a collection: the first stops it (the running problem is not kept),
/// a second quits at once.
final class CollectInterrupt: @unchecked Sendable {
    private let count = Atomic<Int>(0)
    private let stop: Deadline
    /// Set up once in `init`; Dispatch delivers its events on its own queue.
    private let source: DispatchSourceSignal

    init(stop: Deadline) {
        self.stop = stop
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.interrupted() }
        source.resume()
    }

    private func interrupted() {
        if count.add(1, ordering: .sequentiallyConsistent).newValue == 1 {
            FileHandleOutput.writeToStandardError("\nstopping; the traces written so far stay (Ctrl-C again to quit now)\n")
            stop.stop()
        } else {
            FileHandleOutput.writeToStandardError("\n")
            exit(130)
        }
    }

    /// Stops listening; Ctrl-C ends the program again.
    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}

/// A hang guard: when one problem runs far past its limits (a run that stopped
/// observing its deadline), the collection ends with a message naming the problem; the
/// traces written so far stay. Never fires in a healthy run.
final class CollectWatchdog: @unchecked Sendable {
    private let state = Mutex<(item: String?, since: ContinuousClock.Instant, done: Bool)>((nil, .now, false))

    init(limit seconds: Double) {
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 1)
                let (item, since, done) = state.withLock { $0 }
                if done { return }
                guard let item, ContinuousClock.now - since > .milliseconds(Int(seconds * 1000)) else { continue }
                FileHandleOutput.writeToStandardError(
                    "\nerror: the problem \(item) has run for more than \(Int(seconds)) s, far past its time limit; stopping (the traces written so far stay). Run again without its kind, or with another --seed.\n")
                exit(1)
            }
        }
    }

    /// Restarts the clock when a problem starts; stops it when it ends.
    func noteProgress(_ event: CollectionEvent) {
        switch event {
        case .trying(_, let item): state.withLock { $0 = (item.id, .now, false) }
        case .finished: state.withLock { $0.item = nil }
        default: break
        }
    }

    /// Ends the guard.
    func cancel() {
        state.withLock { $0.done = true }
    }
}
