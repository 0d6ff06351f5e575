import Agent
import ArgumentParser
import Foundation

/// `ponder ask`: one question, answered by the model with its tools; the answer is
/// streamed to standard output, tool calls are shown on standard error.
struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Answer one question with the model and its tools.",
        discussion: """
            The model may call the calculator (<calc>…</calc>), the web fetcher \
            (<fetch>…</fetch>) and Python (<python>…</python>); each result is appended \
            and the model continues until it answers. The answer streams to standard \
            output; tool calls are listed on standard error. Figures are saved in \
            --output-dir. Examples:
              ponder ask "What is 24*78?"
              ponder ask --json "What is 15% of 80?"
            """)

    @Argument(help: "The question ('-' reads standard input).")
    var question: String

    @Flag(help: "Print one JSON object (answer, mode, steps, files, tokens, seconds) instead of streaming.")
    var json = false

    @Option(help: ArgumentHelp("Write the whole run (conversation and steps) as JSON to this file.", valueName: "file"))
    var trace: String?

    @OptionGroup var agent: AgentOptions

    func run() async throws {
        try await reportingErrors {
            let text = question == "-" ? try readStandardInputAsUTF8() : question
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw CLIError.invalidInput("the question is empty")
            }
            let model = try agent.loadModel()
            let python = agent.pythonRunner()
            let planner = try agent.planner(model: model, python: python)
            let display = json ? nil : AnswerDisplay()
            let answer = try await planner.answer(text) { event in display?.show(event) }
            await python.stop()
            display?.finish(answer)
            if json {
                print(try AgentJSON.encode(AskOutput(answer)))
            }
            if let trace {
                try AgentJSON.encode(answer).write(toFile: trace, atomically: true, encoding: .utf8)
            }
        }
    }
}

/// The `ask --json` object of the CLI contract.
struct AskOutput: Encodable {
    let answer: String
    let mode: String
    let steps: [AgentStep]
    let files: [String]
    let tokens: TokenUsage
    let seconds: Double
    let stopped_by: String?

    init(_ answer: AgentAnswer) {
        self.answer = answer.answer
        mode = answer.mode
        steps = answer.steps
        files = answer.files
        tokens = answer.tokens
        seconds = answer.seconds
        stopped_by = answer.stoppedBy
    }
}

enum AgentJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
