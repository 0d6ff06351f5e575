import Foundation
import Testing

/// `tools/install --prefix DIR`: the installed `ponder` works from any folder (here `/`),
/// with the prompts and the default model it finds from its own path.
@Suite(.serialized)
struct InstallTests {
    /// One installation for the suite, into a temporary prefix, of the binary already
    /// built (`--no-build`: the test build has just made it).
    static let prefix: Result<URL, InstallError> = {
        // The copy of the model is 98 MB: it goes when the test process ends.
        atexit { try? FileManager.default.removeItem(at: InstallTests.prefixFolder) }
        do throws(InstallError) {
            try install(into: prefixFolder)
            return .success(prefixFolder)
        } catch {
            return .failure(error)
        }
    }()

    /// The temporary installation prefix.
    static let prefixFolder = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-install-\(UUID().uuidString)")

    /// Why the installation failed: the script's exit status and messages.
    struct InstallError: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs tools/install and fails with its messages unless it exits 0.
    static func install(into prefix: URL, arguments: [String] = []) throws(InstallError) {
        let process = Process()
        process.executableURL = CommandLineTests.repositoryRoot.appendingPathComponent("tools/install")
        process.arguments = ["--prefix", prefix.path, "--no-build"] + arguments
        let error = Pipe()
        process.standardError = error
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw InstallError(description: "cannot start tools/install: \(error)")
        }
        let messages = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw InstallError(description: "tools/install exited \(process.terminationStatus): \(messages)")
        }
    }

    /// The installed binary, run from `/` with no override of the prompts.
    static func runInstalled(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) async throws
        -> CommandLineTests.Result
    {
        let prefix = try Self.prefix.get()
        return try await CommandLineTests.run(
            arguments, binary: prefix.appendingPathComponent("bin/ponder").path, input: input,
            environment: ["PONDER_PROMPTS": ""].merging(environment) { $1 }, directory: URL(fileURLWithPath: "/"))
    }

    @Test("tools/install lays out the binary, the prompts and the default model under the prefix")
    func layout() throws {
        let prefix = try Self.prefix.get()
        let files = FileManager.default
        #expect(files.isExecutableFile(atPath: prefix.appendingPathComponent("bin/ponder").path))
        for prompt in ["system.md", "examples/bank/calc.md", "deliberate/triggers.md", "game24/propose.md", "game24/value.md"] {
            #expect(files.fileExists(atPath: prefix.appendingPathComponent("share/ponder/prompts/" + prompt).path), "missing \(prompt)")
        }
        let model = prefix.appendingPathComponent("share/ponder/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
        #expect(files.contentsEqual(atPath: model, andPath: CommandLineTests.modelPath))
    }

    @Test("installing again replaces the prompts as a whole (a stale file goes) and keeps the binary working")
    func installIsIdempotent() async throws {
        let prefix = try Self.prefix.get()
        let stale = prefix.appendingPathComponent("share/ponder/prompts/stale.md")
        try Data("old".utf8).write(to: stale)
        try Self.install(into: prefix)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        let result = try await Self.runInstalled(["tokenize", "24"])
        #expect(result.status == 0, "\(result.standardError)")
    }

    @Test("tools/install refuses an unknown argument with exit code 2")
    func installUsage() throws {
        let process = Process()
        process.executableURL = CommandLineTests.repositoryRoot.appendingPathComponent("tools/install")
        process.arguments = ["--prefix"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
    }

    @Test("the installed ponder answers from / with the calculator")
    func askFromRoot() async throws {
        let result = try await Self.runInstalled(["ask", "--json", "What is 24*78?"])
        #expect(result.status == 0, "\(result.standardError)")
        let json = try #require(try? JSONDecoder().decode(AgentCommandTests.AskJSON.self, from: Data(result.standardOutput.utf8)))
        #expect(json.answer.contains("1872"))
        #expect(json.mode == "fast")
        #expect(json.steps.map(\.tool) == ["calc"])
    }

    @Test("the installed ponder deliberates on a Game of 24 question from /, with the installed game24 prompts")
    func deliberateFromRoot() async throws {
        let result = try await Self.runInstalled(["ask", "--json", "--deliberate", "5", "Use the numbers 4 4 6 8 and + - * / to make 24."])
        #expect(result.status == 0, "\(result.standardError)")
        let json = try #require(
            try? JSONDecoder().decode(DeliberateCommandTests.AskJSON.self, from: Data(result.standardOutput.utf8)),
            "not JSON: \(result.standardOutput)")
        #expect(json.mode == "deliberate")
        #expect(json.tree?.task == "game of 24")
        #expect(!json.answer.isEmpty)
    }

    @Test("the installed ponder chats from /: a question on standard input, then /quit")
    func chatFromRoot() async throws {
        let result = try await Self.runInstalled(["chat"], input: "What is 24*78?\n/quit\n")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("1872"))
    }

    @Test("$PONDER_PROMPTS still overrides the installed prompts")
    func promptsOverride() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-prompts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Only the system prompt: the run reads it from here, then misses the examples.
        try FileManager.default.copyItem(
            at: CommandLineTests.repositoryRoot.appendingPathComponent("prompts/system.md"), to: folder.appendingPathComponent("system.md"))
        let result = try await Self.runInstalled(["ask", "What is 24*78?"], environment: ["PONDER_PROMPTS": folder.path])
        #expect(result.status == 1)
        #expect(result.standardError.contains(folder.path), "\(result.standardError)")
    }
}
