import ArgumentParser
import Inference

/// The `--model` option shared by every command that loads a model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Path of a GGUF model file.",
        discussion: "Defaults to $PONDER_MODEL, then the model installed by tools/setup.",
        valueName: "path"))
    var model: String?

    /// Resolves and opens the model file.
    func openFile() throws -> GGUFFile {
        let path = try ModelLocator.resolve(explicit: model)
        return try GGUFFile(path: path)
    }
}
