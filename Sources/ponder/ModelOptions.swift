import ArgumentParser
import Foundation
import Inference
import InferenceAdapter

/// The `--model` and `--lora` options shared by every command that reads a model, and
/// the one way the commands find, open and load it.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Path of a GGUF model file.",
        discussion: "Defaults to $PONDER_MODEL, then the model installed by tools/setup.",
        valueName: "path"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp(
        "A LoRA adapter (llama.cpp's adapter GGUF) to apply, with an optional scale (default 1). Repeatable.",
        discussion: "Applied at inference without changing the model file; 'ponder export' merges it instead.",
        valueName: "file[:scale]"))
    var lora: [LoRASpecification] = []

    @Flag(name: .customLong("no-adapter"), help: ArgumentHelp(
        "Leave out the adapter Ponder ships for the default model (to compare with the base model).",
        discussion: "The shipped adapter is applied when no --lora is given; 'ponder inspect' shows it."))
    var noAdapter = false

    /// The model file's path: `--model`, else `$PONDER_MODEL`, else the default model.
    func resolvePath() throws -> String {
        try ModelLocator.resolve(explicit: model)
    }

    /// Opens the model file without loading the model (its metadata and vocabulary).
    func openFile() throws -> GGUFFile {
        try GGUFFile(path: resolvePath())
    }

    /// Loads the model with its adapters: `--lora`'s, else the one Ponder ships for
    /// this model file (unless `--no-adapter`, or `shippedAdapter` is false: training
    /// and benchmarks start from the base model). `threads` sets the engine's worker
    /// threads first (nil: the engine's default); `contextLength` and `promptCache` are
    /// what its sessions use.
    func load(threads: Int?, contextLength: Int? = nil, promptCache: PromptCache? = nil, shippedAdapter: Bool = true) throws -> LoadedModel {
        if let threads { Engine.setThreadCount(threads) }
        let path = try resolvePath()
        let file = try GGUFFile(path: path)
        let config = try ModelConfig(file: file)
        let adapters = try lora.isEmpty ? (shippedAdapter ? shippedAdapters(for: file, config: config) : []) : loadAdapters(config: config)
        let model = try Model(file: file, adapters: adapters)
        if model.chatTemplate.programProblem != nil {
            // The prompts are still right for plain conversations; the user should know why.
            printError("warning: " + RenderCommand.rejection(model.chatTemplate))
        }
        return LoadedModel(model: model, path: path, contextLength: contextLength, promptCache: promptCache)
    }
}

extension ModelOptions {
    /// Reads every `--lora` adapter and checks it against a model with `config`; a
    /// missing or unusable file is an error naming the flag and the file.
    func loadAdapters(config: ModelConfig) throws -> [(adapter: LoRAAdapter, scale: Float)] {
        try lora.map { specification in
            guard FileManager.default.fileExists(atPath: specification.path) else {
                throw CLIError.invalidInput("no LoRA adapter file at '\(specification.path)' (from --lora)")
            }
            do throws(LoRAAdapterError) {
                return (try LoRAAdapter.load(path: specification.path, for: config), specification.scale)
            } catch {
                throw CLIError.invalidInput("--lora: \(error.description)")
            }
        }
    }
}

extension ModelOptions {
    /// The adapter shipped for `file`, unless `--no-adapter`: none when nothing is
    /// shipped for it.
    func shippedAdapters(for file: GGUFFile, config: ModelConfig) throws -> [(adapter: LoRAAdapter, scale: Float)] {
        guard !noAdapter, let shipped = try ShippedAdapters.locate(), let entry = shipped.entry(for: file) else { return [] }
        return [(try shipped.load(entry, config: config), entry.scale)]
    }
}

extension LoRASpecification: ExpressibleByArgument {
    /// `FILE` or `FILE:SCALE`; a malformed value is a usage error.
    public init?(argument: String) {
        self.init(parsing: argument)
    }
}

/// A model a command loaded, with the settings of its sessions.
struct LoadedModel {
    let model: Model
    /// Where the file is.
    let path: String
    /// Positions per session (nil: the model's default).
    let contextLength: Int?
    /// Where fixed prompt prefixes keep their evaluated state (nil: not kept).
    let promptCache: PromptCache?

    /// The file's name, shown to users and API clients.
    var name: String { URL(fileURLWithPath: path).lastPathComponent }

    /// A fresh session of the configured context length.
    func makeSession() throws -> InferenceSession {
        try model.makeSession(contextLength: contextLength)
    }

    /// The model as a planner's language model.
    func languageModel() -> LocalLanguageModel {
        LocalLanguageModel(model: model, name: name, contextLength: contextLength, promptCache: promptCache)
    }
}
