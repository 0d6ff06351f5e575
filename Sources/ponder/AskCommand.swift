import Agent
import AgentTools
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
            --output-dir. --mcp "COMMAND ARGS" (or --mcp-url URL) adds an MCP server's \
            tools, called with JSON arguments (<name>{"key": value}</name>).

            Deliberate mode (--deliberate SECONDS, or a phrase such as "take your time" \
            in the question, for 30 s): the model proposes several next thoughts, the \
            calculator checks their arithmetic, a value prompt scores them, and the \
            best branches grow until an answer is verified, the finished answers agree \
            or the time is up; the answer comes from the best path. A progress line \
            shows on standard error; Ctrl-C answers with the best so far. Examples:
              ponder ask "What is 24*78?"
              ponder ask --json "What is 15% of 80?"
              ponder ask --deliberate 30 --show-tree "Use the numbers 4 5 6 10 and + - * / to make 24."
              ponder ask "Take your time: a shirt costs 20 dollars after a 20% discount. What was the price?"
            """)

    @Argument(help: "The question ('-' reads standard input).")
    var question: String

    @Flag(help: "Print one JSON object (answer, mode, steps, files, tokens, seconds; tree in deliberate mode) instead of streaming.")
    var json = false

    @Option(help: ArgumentHelp("Write the whole run (conversation and steps) as JSON to this file.", valueName: "file"))
    var trace: String?

    @Flag(name: .customLong("show-tree"), help: "In deliberate mode, print the tree of thoughts (→ marks the path the answer comes from).")
    var showTree = false

    @OptionGroup var agent: AgentOptions

    func run() async throws {
        try await reportingErrors {
            let text = question == "-" ? try readStandardInputAsUTF8() : question
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw CLIError.invalidInput("the question is empty")
            }
            let model = try agent.loadModel()
            let servers = try await agent.mcp.connect()
            let answer: AgentAnswer
            let display = AnswerDisplay(writesAnswer: !json)
            var signals: ExitOnSignals?
            do {
                let assistant = try agent.assistant(model: model, extraTools: servers.tools)
                if !servers.connections.isEmpty {
                    // Ctrl-C stays deliberate mode's own (its first asks for the best so far).
                    let deliberate = assistant.deliberation.budget(for: text) != nil
                    signals = ExitOnSignals([SIGTERM, SIGHUP] + (deliberate ? [] : [SIGINT]))
                }
                answer = try await self.answer(text, assistant: assistant, display: display)
                await assistant.close()
                signals?.cancel()
                await servers.close()
            } catch {
                signals?.cancel()
                await servers.close()
                throw error
            }
            if showTree, !json, let report = answer.deliberation {
                print(report.rendered.isEmpty ? "(no thoughts)" : report.rendered)
                print()
            }
            display.finish(answer)
            if !json, let summary = DeliberationDisplay.summary(answer) { printError(summary) }
            if json {
                print(try AgentJSON.encode(AskOutput(answer)))
            }
            if let trace {
                try AgentJSON.encode(answer).write(toFile: trace, atomically: true, encoding: .utf8)
            }
        }
    }

    /// Asks `assistant` and shows what happens. In deliberate mode a progress line
    /// shows on standard error (with --json too: the object goes to standard
    /// output); the first Ctrl-C asks for the best answer so far, a second quits.
    private func answer(_ question: String, assistant: Assistant, display: AnswerDisplay) async throws -> AgentAnswer {
        let deadline = Deadline.unlimited()
        let turn = Task { try await display.show(assistant.ask(question, deadline: deadline)) }
        if assistant.deliberation.budget(for: question) != nil {
            let interrupts = InterruptMonitor()
            interrupts.running(Task { _ = try? await turn.value }) {
                deadline.stop()
                FileHandleOutput.writeToStandardError("\n(stopping: answering with the best so far; Ctrl-C again quits)\n")
            }
            defer { interrupts.finished() }
            guard let answer = try await turn.value else { throw CancellationError() }
            return answer
        }
        guard let answer = try await turn.value else { throw CancellationError() }
        return answer
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
    /// Deliberate mode: the task, every node (id, parent, text, score, verified,
    /// depth), the chosen path.
    let tree: DeliberationReport?

    init(_ answer: AgentAnswer) {
        self.answer = answer.answer
        mode = answer.mode.rawValue
        steps = answer.steps
        files = answer.files
        tokens = answer.tokens
        seconds = answer.seconds
        stopped_by = answer.stoppedBy?.description
        tree = answer.deliberation
    }
}

enum AgentJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
