import ArgumentParser
import Inference

/// Options of the engine shared by the commands that generate: context length,
/// threads and the prompt cache.
struct EngineOptions: ParsableArguments {
    @Option(help: "Context length in tokens (default: the model's, at most 4096).")
    var context: Int?

    @Option(name: [.customShort("t"), .long], help: "Worker threads for the matrix products.")
    var threads: Int?

    @Flag(help: "Do not load or save the system prompt's evaluated state in the prompt cache.")
    var noPromptCache = false

    func validate() throws {
        if let context, context <= 0 { throw ValidationError("--context must be positive") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive") }
    }

    /// The prompt cache, unless `--no-prompt-cache`.
    var promptCache: PromptCache? {
        noPromptCache ? nil : PromptCache()
    }

    /// Loads the model `modelOptions` names with these threads, context and prompt cache.
    func load(_ modelOptions: ModelOptions) throws -> LoadedModel {
        try modelOptions.load(threads: threads, contextLength: context, promptCache: promptCache)
    }
}
