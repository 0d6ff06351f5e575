import ArgumentParser
import MCPBridge
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
        version: MCPBridgeInfo.version,
        subcommands: [
            AskCommand.self, ChatCommand.self, GenerateCommand.self, BenchCommand.self, InspectCommand.self,
            TokenizeCommand.self, RenderCommand.self, ToolCommand.self, ServeCommand.self, MCPCommand.self, PythonWorkerCommand.self, TrainCommand.self,
            ExportCommand.self, DistillCommand.self,
        ]
    )
}

/// Entry point: runs the parsed command, mapping argument errors to exit code 2
/// (the CLI contract) instead of the parser's default 64.
@main
enum PonderMain {
    static func main() async {
        if let bad = firstNonUTF8Argument() {
            printError("error: argument \(bad) is not valid UTF-8; Ponder reads text as UTF-8")
            exit(2)
        }
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

    /// The position of the first command-line argument that is not valid UTF-8
    /// (Swift would silently repair it, changing the prompt).
    static func firstNonUTF8Argument() -> Int? {
        for index in 1..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[index] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
            if String(validating: bytes, as: UTF8.self) == nil { return index }
        }
        return nil
    }
}
