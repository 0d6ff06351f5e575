import ArgumentParser

/// The `ponder` command: a tool-using agent runtime with its own local inference engine.
@main
struct Ponder: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A tool-using agent runtime with a local inference engine.",
        discussion: """
            Models are GGUF files. Ponder uses --model PATH, else $PONDER_MODEL, else the \
            default model installed by tools/setup (SmolLM2-135M-Instruct, Q4_1).
            """,
        version: "0.1.0",
        subcommands: [InspectCommand.self, TokenizeCommand.self]
    )
}
