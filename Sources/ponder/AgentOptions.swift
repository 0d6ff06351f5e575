import Agent
import AgentTools
import ArgumentParser
import Foundation
import Game24
import Inference
import InferenceAdapter

/// Options shared by `ask` and `chat`: the model, the tools, limits and sampling.
struct AgentOptions: ParsableArguments {
    @Flag(name: .customLong("no-tools"), help: "Answer with the model alone (no calculator, fetcher or Python).")
    var noTools = false

    @Option(help: "Sampling temperature; 0 is greedy.")
    var temperature: Double = 0

    @Option(help: "Seed of the sampler's random generator.")
    var seed: UInt64 = 0

    @Option(name: .customLong("max-steps"), help: "At most this many tool calls per question.")
    var maxSteps = 6

    @Option(name: .customLong("max-tokens"), help: "At most this many generated tokens per question.")
    var maxTokens = 512

    @Option(name: .customLong("time-limit"), help: "Seconds per question before answering with the best so far.")
    var timeLimit: Double = 300

    @Option(name: .customLong("output-dir"), help: "Folder for files the tools write (figures).")
    var outputDirectory = "ponder-output"

    @Flag(name: .customLong("allow-private"), help: "Let the fetch tool reach loopback and private addresses (link-local and cloud metadata addresses stay refused).")
    var allowPrivate = false

    @Flag(name: .customLong("python-network"), help: "Let code run by the Python tool reach the network (its sandbox has none by default).")
    var pythonNetwork = false

    @Option(
        help: ArgumentHelp(
            "Think before answering: search a tree of thoughts for this many seconds (phrases such as \"take your time\" do the same with 30).",
            valueName: "seconds"))
    var deliberate: Double?

    @OptionGroup var engine: EngineOptions

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup(title: "Remote model") var backend: BackendOptions

    func validate() throws {
        guard temperature >= 0 else { throw ValidationError("--temperature must be 0 or more") }
        guard maxSteps >= 0 else { throw ValidationError("--max-steps must be 0 or more") }
        guard maxTokens > 0 else { throw ValidationError("--max-tokens must be positive") }
        guard timeLimit > 0, timeLimit <= 86_400 else { throw ValidationError("--time-limit must be between 0 and 86400 seconds") }
        if let deliberate, !(deliberate > 0 && deliberate <= 86_400) {
            throw ValidationError("--deliberate must be between 0 and 86400 seconds")
        }
    }

    /// The model: a remote server's with `--backend openai`; otherwise the local
    /// engine's, loaded from `--model`, `$PONDER_MODEL` or the default location.
    func loadModel() throws -> any LanguageModel {
        if backend.resolvedBackend == .openai { return try backend.remoteModel() }
        return try loadLocalModel()
    }

    /// The local engine's model, loaded from `--model`, `$PONDER_MODEL` or the default location.
    func loadLocalModel() throws -> LocalLanguageModel {
        try Self.loadLocalModel(engine: engine, modelOptions: modelOptions)
    }

    /// The local engine's model as `engine` and `modelOptions` describe it (also for `serve`).
    static func loadLocalModel(engine: EngineOptions, modelOptions: ModelOptions) throws -> LocalLanguageModel {
        engine.applyThreads()
        let path = try ModelLocator.resolve(explicit: modelOptions.model)
        let model = try Model(path: path)
        return LocalLanguageModel(
            model: model, name: URL(fileURLWithPath: path).lastPathComponent, contextLength: engine.context,
            promptCache: engine.promptCache)
    }

    /// The tools the planner offers (none with --no-tools). The order is the order of
    /// their examples in the prompt: the calculator's come last because small models
    /// imitate the most recent examples most, and arithmetic is the commonest question.
    /// `python` keeps its variables from one question to the next (in a chat).
    func tools(python: PythonRunner) -> [any Tool] {
        guard !noTools else { return [] }
        return [WebFetcher(options: FetchOptions(allowPrivateAddresses: allowPrivate)), python, Calculator()]
    }

    /// The Python session: its working folder is the output folder, where figures go.
    func pythonRunner() -> PythonRunner {
        PythonRunner(configuration: PythonConfiguration(
            sessionDirectory: absoluteOutputDirectory, isolation: .sandbox(network: pythonNetwork)))
    }

    /// Limits and sampling for the planner.
    var plannerOptions: PlannerOptions {
        PlannerOptions(
            maximumSteps: maxSteps, maximumTokens: maxTokens, timeLimit: .milliseconds(Int(timeLimit * 1000)),
            temperature: temperature, seed: seed, outputDirectory: absoluteOutputDirectory)
    }

    var absoluteOutputDirectory: String {
        URL(fileURLWithPath: outputDirectory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardized.path
    }

    /// A planner over `model` with this command's tools and limits.
    func planner(model: any LanguageModel, python: PythonRunner, toolsEnabled: Bool = true) throws -> Planner {
        Planner(
            model: model, tools: toolsEnabled ? tools(python: python) : [],
            layout: ConversationLayout(prompts: try PromptLibrary.locate()), options: plannerOptions)
    }

    /// The search budget for `question`: --deliberate, else the default budget when
    /// the question asks for time ("take your time"), else nil (answer at once).
    func deliberationBudget(for question: String, prompts: PromptLibrary) throws -> Duration? {
        if let deliberate { return .milliseconds(Int(deliberate * 1000)) }
        return try DeliberationTrigger(prompts: prompts).phrase(in: question) != nil ? DeliberationTrigger.defaultBudget : nil
    }

    /// Deliberate mode over `planner`, with the built-in special tasks (the Game of 24).
    func deliberateMode(planner: Planner, budget: Duration) -> DeliberateMode {
        let vocabulary = planner.model.vocabulary
        let game24: DeliberateMode.TaskRecogniser = { question in
            guard let puzzle = Game24Puzzle(question: question) else { return nil }
            return Game24Task(puzzle: puzzle, prompts: try Game24Task.locatePrompts(), vocabulary: vocabulary)
        }
        let options = DeliberationOptions(budget: budget, seed: seed)
        return DeliberateMode(planner: planner, prompts: planner.layout.prompts, options: options, recognisers: [game24])
    }
}
