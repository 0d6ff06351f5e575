import Agent
import AgentTools
import ArgumentParser
import Foundation
import DeliberationTasks
import Inference
import InferenceAdapter

/// Options shared by `ask` and `chat`: the model, the tools, limits and sampling.
struct AgentOptions: ParsableArguments {
    @OptionGroup(title: "Agent limits") var limits: AgentLimitOptions<QuestionOptionNames>

    @Flag(name: .customLong("no-tools"), help: "Answer with the model alone (no calculator, fetcher or Python).")
    var noTools = false

    @Option(help: "Sampling temperature; 0 is greedy.")
    var temperature: Double = 0

    @Option(help: "Seed of the sampler's random generator.")
    var seed: UInt64 = 0

    @Option(
        help: ArgumentHelp(
            "Think before answering: search a tree of thoughts for this many seconds (phrases such as \"take your time\" do the same with 30).",
            valueName: "seconds"))
    var deliberate: Double?

    @Option(help: "Evaluation switch for --deliberate: who proposes Game of 24 moves, the model (sampled in proportion to its probability of each move) or uniform (random legal moves, the baseline).")
    var proposer: DeliberationOptions.Proposer = .model

    @Option(help: "Evaluation switch for --deliberate: model uses the value prompt, none leaves it out, automatic (default) uses it only where it was measured to tell good states from bad.")
    var value: DeliberationOptions.ValueUse = .automatic

    @Option(name: .customLong("max-thoughts"), help: "Evaluation switch for --deliberate: stop after this many thoughts (to compare searches at equal thoughts).")
    var maximumThoughts: Int?

    @OptionGroup var engine: EngineOptions

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup(title: "Remote model") var backend: BackendOptions

    @OptionGroup(title: "MCP servers") var mcp: MCPClientOptions

    func validate() throws {
        guard temperature >= 0 else { throw ValidationError("--temperature must be 0 or more") }
        if let deliberate, !(deliberate > 0 && deliberate <= 86_400) {
            throw ValidationError("--deliberate must be between 0 and 86400 seconds")
        }
        if let maximumThoughts, maximumThoughts < 1 { throw ValidationError("--max-thoughts must be 1 or more") }
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
        try engine.load(modelOptions).languageModel()
    }

    /// The assistant for this command's model, tools, limits and deliberation
    /// policy: `--deliberate` for every question, else the phrases of
    /// `prompts/deliberate/triggers.md`, with the Game of 24 as a special task.
    /// `extraTools` (MCP servers' tools) come before the standard tools.
    func assistant(model: any LanguageModel, extraTools: [any Tool] = []) throws -> Assistant {
        let prompts = try PromptLibrary.locate()
        let vocabulary = model.vocabulary
        let game24: DeliberateMode.TaskRecogniser = { question in
            Game24Task.recognising(question, prompts: prompts, vocabulary: vocabulary)
        }
        let policy = DeliberationPolicy(
            budget: deliberate.map { .milliseconds(Int($0 * 1000)) }, trigger: try DeliberationTrigger(prompts: prompts),
            recognisers: [game24],
            options: DeliberationOptions(seed: seed, proposer: proposer, value: value, maximumThoughts: maximumThoughts))
        return Assistant(
            model: model, toolbox: adding(extraTools, to: .standard(limits.toolboxSettings)), prompts: prompts,
            options: mcp.widening(limits.plannerOptions(temperature: temperature, seed: seed)), deliberation: policy, toolsEnabled: !noTools)
    }
}

extension DeliberationOptions.Proposer: ExpressibleByArgument {}
extension DeliberationOptions.ValueUse: ExpressibleByArgument {}
