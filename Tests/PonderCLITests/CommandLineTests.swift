import Foundation
import Synchronization
import Testing

/// Runs the `ponder` binary as a user would and checks what it prints and its exit
/// codes (0 ok, 1 runtime error, 2 usage error — the CLI contract).
struct CommandLineTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelPath = repositoryRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path

    struct Result {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// The directory holding the built products (beside the test bundle).
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Runs the binary and waits for it without holding a cooperative thread: the
    /// waiting happens on a thread of its own, so other suites' async work (servers
    /// in the test process) keeps running meanwhile.
    static func run(
        _ arguments: [String], binary: String = "ponder", input: String? = nil,
        environment: [String: String] = [:], directory: URL? = nil, onStart: (@Sendable (Process) -> Void)? = nil
    ) async throws -> Result {
        let process = Process()
        process.executableURL = binary.hasPrefix("/")
            ? URL(fileURLWithPath: binary) : productsDirectory.appendingPathComponent(binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PONDER_MODEL")
        env.merge(environment) { $1 }
        process.environment = env
        process.currentDirectoryURL = directory ?? repositoryRoot
        let output = Pipe(), error = Pipe(), inputPipe = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = inputPipe
        try process.run()
        onStart?(process)
        if let input { inputPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inputPipe.fileHandleForWriting.close()
        let (out, err) = await withCheckedContinuation { (continuation: CheckedContinuation<(Data, Data), Never>) in
            Thread.detachNewThread {
                // Both pipes are drained at once, so neither can fill up and stall the child.
                let errorData = Mutex(Data())
                let errorDone = DispatchSemaphore(value: 0)
                Thread.detachNewThread {
                    errorData.withLock { $0 = error.fileHandleForReading.readDataToEndOfFile() }
                    errorDone.signal()
                }
                let out = output.fileHandleForReading.readDataToEndOfFile()
                errorDone.wait()
                process.waitUntilExit()
                continuation.resume(returning: (out, errorData.withLock { $0 }))
            }
        }
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: out, as: UTF8.self),
            standardError: String(decoding: err, as: UTF8.self))
    }

    @Test("inspect summarises the default model")
    func inspect() async throws {
        let result = try await Self.run(["inspect"])
        #expect(result.status == 0, "\(result.standardError)")
        for expected in ["architecture    llama", "layers          30", "Q4_1 ×210", "byte-level BPE (smollm), 49152 tokens",
                         "chat template   chatml", "9 query, 3 key/value, 64 wide"] {
            #expect(result.standardOutput.contains(expected), "missing \(expected)")
        }
    }

    @Test("inspect --json is one JSON object")
    func inspectJSON() async throws {
        let result = try await Self.run(["inspect", "--json", "--model", Self.modelPath])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["architecture"] as? String == "llama")
        #expect(object["tensorCount"] as? Int == 272)
        #expect((object["config"] as? [String: Any])?["blockCount"] as? Int == 30)
        #expect((object["tensorTypes"] as? [String: Int])?["Q4_1"] == 210)
    }

    @Test("tokenize prints llama.cpp's ids as a JSON array")
    func tokenize() async throws {
        let result = try await Self.run(["tokenize", "Hello world! 12345 what's 24 × 78?"])
        #expect(result.status == 0)
        #expect(result.standardOutput == "[19556, 905, 17, 216, 33, 34, 35, 36, 37, 732, 506, 216, 34, 36, 15493, 216, 39, 40, 47]\n")
    }

    @Test("special tokens are text unless --special")
    func tokenizeSpecial() async throws {
        let plain = try await Self.run(["tokenize", "<|im_start|>user"])
        let special = try await Self.run(["tokenize", "--special", "<|im_start|>user"])
        #expect(special.standardOutput == "[1, 4093]\n")
        #expect(plain.standardOutput != special.standardOutput)
        #expect(!plain.standardOutput.contains("[1,"))
    }

    @Test("--chat renders through the template; --count and standard input")
    func tokenizeChat() async throws {
        let chat = try await Self.run(["tokenize", "--chat", "What is 24 × 78?"])
        #expect(chat.standardOutput.hasPrefix("[1, 9690, 198, 2683"))
        #expect(chat.standardOutput.hasSuffix("2, 198, 1, 520, 9531, 198]\n"))
        let count = try await Self.run(["tokenize", "--count", "-"], input: "Hello world!")
        #expect(count.standardOutput == "3\n")
    }

    @Test("model resolution: --model, then $PONDER_MODEL, then the default; missing model explains")
    func modelResolution() async throws {
        let elsewhere = FileManager.default.temporaryDirectory
        let fromEnvironment = try await Self.run(["inspect"], environment: ["PONDER_MODEL": Self.modelPath], directory: elsewhere)
        #expect(fromEnvironment.status == 0)

        let missing = try await Self.run(["inspect", "--model", "/nonexistent.gguf"])
        #expect(missing.status == 1)
        #expect(missing.standardError == "error: no model file at '/nonexistent.gguf' (from --model)\n")

        let badEnvironment = try await Self.run(["inspect"], environment: ["PONDER_MODEL": "/nope.gguf"])
        #expect(badEnvironment.standardError.contains("$PONDER_MODEL"))
    }

    @Test("a file that is not GGUF is a one-line runtime error")
    func notAModel() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-not-a-model.gguf").path
        try Data("hello, I am text".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await Self.run(["inspect", "--model", path])
        #expect(result.status == 1)
        #expect(result.standardError == "error: not a GGUF file: the first bytes are 'hell', expected 'GGUF'\n")
        #expect(result.standardOutput.isEmpty)
    }

    @Test("usage errors exit with 2 and --help explains the model options")
    func usage() async throws {
        let unknown = try await Self.run(["inspect", "--bogus"])
        #expect(unknown.status == 2)
        let help = try await Self.run(["--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("PONDER_MODEL"))
        #expect(help.standardOutput.contains("tokenize"))
    }

    @Test("the tokenize example prints the rendered prompt and its ids")
    func example() async throws {
        let result = try await Self.run([Self.modelPath], binary: "example-tokenize")
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("template: chatml"))
        #expect(result.standardOutput.contains("40 tokens: [1, 9690, 198"))
        let failing = try await Self.run(["/nonexistent.gguf"], binary: "example-tokenize")
        #expect(failing.status == 1)
    }
}

/// `ponder generate` as a user runs it.
struct GenerateCommandTests {
    typealias CLI = CommandLineTests

    @Test("greedy generation continues the prompt; --json has prompt_tokens, tokens, text")
    func json() async throws {
        let result = try await CLI.run(["generate", "--prompt", "The capital of France is", "-n", "6", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["prompt_tokens"] as? [Int] == [504, 3575, 282, 4649, 314])
        #expect((object["tokens"] as? [Int])?.first == 7042)
        #expect((object["text"] as? String)?.hasPrefix(" Paris") == true)
    }

    @Test("streaming text equals the --json text; sampling with a seed repeats")
    func streamingAndSeeds() async throws {
        let streamed = try await CLI.run(["generate", "--prompt", "Once upon a time", "-n", "12"])
        let json = try await CLI.run(["generate", "--prompt", "Once upon a time", "-n", "12", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(streamed.standardOutput == (object["text"] as! String) + "\n")
        let first = try await CLI.run(["generate", "--prompt", "Once upon a time", "-n", "12", "--temperature", "1.0", "--seed", "7"])
        let second = try await CLI.run(["generate", "--prompt", "Once upon a time", "-n", "12", "--temperature", "1.0", "--seed", "7"])
        #expect(first.standardOutput == second.standardOutput)
    }

    @Test("--stop ends the text before the stop string; --chat stops at the end of the turn")
    func stopping() async throws {
        let result = try await CLI.run(["generate", "--prompt", "The capital of France is", "-n", "20", "--stop", "."])
        #expect(result.standardOutput == " Paris\n")
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-cli-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let chat = try await CLI.run(["generate", "--chat", "--prompt", "Say hello.", "-n", "64", "--timings"],
                               environment: ["PONDER_CACHE_DIR": cache])
        #expect(chat.status == 0)
        #expect(!chat.standardOutput.contains("<|im_end|>"))
        #expect(chat.standardError.contains("generation:"))
        let cached = try await CLI.run(["generate", "--chat", "--prompt", "Say hello.", "-n", "64", "--timings"],
                                 environment: ["PONDER_CACHE_DIR": cache])
        #expect(cached.standardOutput == chat.standardOutput)
        #expect(cached.standardError.contains("cached)"))
    }

    @Test("errors: prompt longer than the context, absurd context, non-UTF-8 argument, bad option")
    func errors() async throws {
        let long = try await CLI.run(["generate", "--prompt", "one two three four five six", "--context", "3"])
        #expect(long.status == 1)
        #expect(long.standardError.hasPrefix("error: the prompt is 6 tokens, longer than the context of 3 tokens"))
        let huge = try await CLI.run(["generate", "--prompt", "hi", "--context", "10000000000"])
        #expect(huge.status == 1)
        #expect(huge.standardError.contains("choose a smaller --context"))
        let negative = try await CLI.run(["generate", "--prompt", "hi", "-n", "-1"])
        #expect(negative.status == 2)

        // Foundation passes arguments as strings; raw bytes go through the shell.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "\"$0\" generate --prompt \"$(printf 'caf\\351')\"", CLI.productsDirectory.appendingPathComponent("ponder").path]
        let errorPipe = Pipe()
        shell.standardError = errorPipe
        shell.standardOutput = Pipe()
        try shell.run()
        let message = String(decoding: errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 2)
        #expect(message.contains("is not valid UTF-8"))
    }

    @Test("the generate example streams a reply")
    func example() async throws {
        let result = try await CLI.run([CLI.modelPath], binary: "example-generate")
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("tokens, stopped by"))
    }
}
