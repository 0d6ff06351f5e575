import AgentTools
import ArgumentParser
import Foundation
import Inference

/// `ponder generate`: text from the model, streamed as it is produced.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text from a prompt, streaming it to standard output.",
        discussion: """
            Greedy by default (--temperature 0); with a temperature, sampling uses top-k, \
            top-p and min-p, seeded by --seed. Generation stops at the model's end-of-turn \
            token, after -n tokens, or before a --stop string.
            """)

    @Option(name: .long, help: "The prompt ('-' reads standard input).")
    var prompt: String

    @Flag(help: "Send the prompt as a user message through the model's chat template.")
    var chat = false

    @Flag(help: "Read special-token text in the prompt (e.g. <|im_start|>) as those tokens.")
    var special = false

    @Option(name: .customShort("n"), help: "Maximum number of tokens to generate.")
    var maxTokens = 128

    @Option(help: "Sampling temperature; 0 is greedy.")
    var temperature: Float = 0

    @Option(help: "Seed of the sampler's random generator.")
    var seed: UInt64 = 0

    @Option(help: "Keep only the K most likely tokens (0: all).")
    var topK = 40

    @Option(help: "Keep the most likely tokens up to this probability mass.")
    var topP: Float = 0.95

    @Option(help: "Drop tokens less likely than this fraction of the best one.")
    var minP: Float = 0.05

    @Option(help: "Penalty for repeating recent tokens (1: off).")
    var repeatPenalty: Float = 1

    @Option(help: "Stop before this string (repeatable).")
    var stop: [String] = []

    @Flag(help: "Print one JSON object {prompt_tokens, tokens, text} instead of streaming.")
    var json = false

    @Flag(help: "Report prompt and generation speed on standard error.")
    var timings = false

    @OptionGroup var engine: EngineOptions

    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard maxTokens >= 0 else { throw ValidationError("-n must be 0 or more") }
        guard temperature >= 0 else { throw ValidationError("--temperature must be 0 or more") }
        guard (0...1).contains(topP), (0...1).contains(minP) else {
            throw ValidationError("--top-p and --min-p must be between 0 and 1")
        }
    }

    func run() throws {
        try reportingErrors {
            let text = prompt == "-" ? try readStandardInputAsUTF8() : prompt
            let loaded = try engine.load(modelOptions)
            let model = loaded.model
            let promptTokens: [TokenID]
            var session = try loaded.makeSession()
            if chat {
                promptTokens = model.chatTokens([ChatMessage(role: .user, content: text)])
                // The system turn is the same every time: take its KV state from the cache.
                if let cached = try loaded.promptCache?.session(
                    model: model, stableMessages: [], of: promptTokens, contextLength: session.contextLength) {
                    session = cached
                }
            } else {
                promptTokens = model.tokenizer.encode(text, addSpecial: true, parseSpecial: special)
            }
            guard !promptTokens.isEmpty else { throw CLIError.invalidInput("the prompt is empty") }
            let clock = ContinuousClock()
            let promptStart = clock.now
            let evaluatedBefore = session.evaluatedTokenCount
            try session.setTokens(promptTokens)
            let promptEvaluated = session.evaluatedTokenCount - evaluatedBefore
            let promptTime = clock.now - promptStart
            let generationStart = clock.now
            let options = GenerationOptions(
                maximumTokens: maxTokens,
                sampling: SamplingParameters(
                    temperature: temperature, topK: topK, topP: topP, minP: minP,
                    repetitionPenalty: repeatPenalty, seed: seed),
                stopStrings: stop)
            let output = FileHandle.standardOutput
            let result = try session.generate(options) { piece in
                if !json { output.write(Data(piece.utf8)) }
                return true
            }
            let generationTime = clock.now - generationStart
            if !json { print() }
            if timings {
                printError(Timings.line("prompt", tokens: promptEvaluated, duration: promptTime)
                    + (promptTokens.count > promptEvaluated ? " (+\(promptTokens.count - promptEvaluated) cached)" : ""))
                printError(Timings.line("generation", tokens: result.tokens.count, duration: generationTime))
            }
            if json {
                let object = GenerateOutput(prompt_tokens: promptTokens, tokens: result.tokens, text: result.text)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(object), as: UTF8.self))
            }
        }
    }
}

/// Speed report lines: "prompt: 5 tokens in 12.3 ms (406.5 tokens/s)".
enum Timings {
    static func line(_ label: String, tokens: Int, duration: Duration) -> String {
        let seconds = duration.inSeconds
        let rate = seconds > 0 ? Double(tokens) / seconds : 0
        return "\(label): \(tokens) tokens in \(String(format: "%.1f", seconds * 1000)) ms (\(String(format: "%.1f", rate)) tokens/s)"
    }
}

/// The `--json` shape of `ponder generate`.
struct GenerateOutput: Encodable {
    let prompt_tokens: [TokenID]
    let tokens: [TokenID]
    let text: String
}

func readStandardInputAsUTF8() throws -> String {
    let data = FileHandle.standardInput.readDataToEndOfFile()
    guard let string = String(data: data, encoding: .utf8) else {
        throw CLIError.invalidInput("standard input is not valid UTF-8")
    }
    return string
}
