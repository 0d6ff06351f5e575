import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The `ponder` command: a tool-using agent runtime with its own local inference engine.
struct Ponder: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A tool-using agent runtime with a local inference engine.",
        discussion: """
            Models are GGUF files. Ponder uses --model PATH, else $PONDER_MODEL, else the \
            default model installed by tools/setup (SmolLM2-135M-Instruct, Q4_1).
            Exit codes: 0 ok, 1 runtime error, 2 usage error.
            """,
        version: "0.1.0",
        subcommands: [GenerateCommand.self, InspectCommand.self, TokenizeCommand.self]
    )
}

/// Entry point: runs the parsed command, mapping argument errors to exit code 2
/// (the CLI contract) instead of the parser's default 64.
@main
enum PonderMain {
    static func main() async {
        do {
            var command = try Ponder.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = Ponder.exitCode(for: error)
            if code == .validationFailure {
                printError(Ponder.fullMessage(for: error))
                exit(2)
            }
            Ponder.exit(withError: error)
        }
    }
}
