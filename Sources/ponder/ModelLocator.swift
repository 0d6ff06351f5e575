import Agent
import Foundation

/// Finds the model file: `--model`, else `$PONDER_MODEL`, else the default model
/// that `tools/setup` installs into the repository's `models/` folder (and
/// `tools/install` copies into `PREFIX/share/ponder/models`).
enum ModelLocator {
    static let defaultModelName = "SmolLM2-135M-Instruct.Q4_1.gguf"
    static let environmentVariable = "PONDER_MODEL"

    /// Where the default model may be: ./models, then models/ beside the checkout
    /// the binary was built in (`.build/<configuration>/ponder`), then the installed
    /// copy (`PREFIX/share/ponder/models` for `PREFIX/bin/ponder`) and the checkout's
    /// models/ found from the executable's real path (right also when `ponder` was
    /// started through `$PATH`).
    static func defaultCandidates() -> [String] {
        var candidates = [FileManager.default.currentDirectoryPath + "/models/" + defaultModelName]
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("models/" + defaultModelName).path)
            directory = directory.deletingLastPathComponent()
        }
        candidates += RuntimeFiles.candidates("models/" + defaultModelName).filter { !candidates.contains($0) }
        return candidates
    }

    /// The path of the model to use.
    static func resolve(explicit: String?) throws -> String {
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw CLIError.modelNotFound("no model file at '\(explicit)' (from --model)")
            }
            return explicit
        }
        if let fromEnvironment = ProcessInfo.processInfo.environment[environmentVariable], !fromEnvironment.isEmpty {
            guard FileManager.default.fileExists(atPath: fromEnvironment) else {
                throw CLIError.modelNotFound("no model file at '\(fromEnvironment)' (from $\(environmentVariable))")
            }
            return fromEnvironment
        }
        if let found = defaultCandidates().first(where: { FileManager.default.fileExists(atPath: $0) }) {
            return found
        }
        throw CLIError.modelNotFound(
            "the default model \(defaultModelName) is not installed. Run tools/setup in the Ponder "
                + "checkout to download it, or pass --model PATH (or set $\(environmentVariable)) to use another GGUF file.")
    }
}
