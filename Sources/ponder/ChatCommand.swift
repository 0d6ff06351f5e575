import Agent
import AgentTools
import ArgumentParser
import Foundation

/// `ponder chat`: an interactive conversation with history; the model keeps its
/// evaluated context between turns, so each turn reads only what is new.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Talk with the model interactively; it uses its tools when they help.",
        discussion: """
            Type a message and press Enter. Commands: /think [SECONDS] [QUESTION] \
            (answer after searching for SECONDS, default 30: the question given, or the \
            next one), /tools on|off, /reset (forget the conversation), /help, /quit (or \
            Ctrl-D). A message with a phrase such as "take your time" is answered \
            deliberately too. Ctrl-C stops the answer being written (in deliberate mode: \
            answers with the best so far); at the prompt, Ctrl-C twice quits.
            """)

    @OptionGroup var agent: AgentOptions

    func run() async throws {
        try await reportingErrors {
            let model = try agent.loadModel()
            let servers = try await agent.mcp.connect()
            // Ctrl-C is the chat's own (twice quits, through exit).
            let signals = servers.connections.isEmpty ? nil : ExitOnSignals([SIGTERM, SIGHUP])
            defer { signals?.cancel() }
            let assistant: Assistant
            do {
                assistant = try agent.assistant(model: model, extraTools: servers.tools)
            } catch {
                await servers.close()
                throw error
            }
            /// Set by /think without a question: the next question's search budget.
            var thinkNext: Duration?
            let interactive = isatty(STDIN_FILENO) != 0
            let interrupts = InterruptMonitor()
            if interactive {
                printError("Ponder chat with \(model.name) — tools \(agent.noTools ? "off" : "on"). /help for commands, /quit to leave.")
                if !servers.tools.isEmpty { printError("MCP tools: " + servers.tools.map(\.name).joined(separator: ", ")) }
            }
            prompt(interactive)
            for await line in LineReader.lines() {
                var text = line.trimmingCharacters(in: .whitespaces)
                if text.isEmpty {
                    prompt(interactive)
                    continue
                }
                var budget = thinkNext
                if text.hasPrefix("/") {
                    let command = ChatCommandLine(text)
                    switch command {
                    case .think(let seconds, let question?):
                        text = question
                        budget = seconds.map { .milliseconds(Int($0 * 1000)) } ?? DeliberationTrigger.defaultBudget
                    case .think(let seconds, nil):
                        thinkNext = seconds.map { .milliseconds(Int($0 * 1000)) } ?? DeliberationTrigger.defaultBudget
                        printError("(the next question is answered after thinking for \(DeliberationDisplay.seconds(thinkNext!)) s)")
                        prompt(interactive)
                        continue
                    case .quit:
                        await assistant.close()
                        await servers.close()
                        return
                    case .reset:
                        try await assistant.reset()
                        printError("(conversation forgotten)")
                    case .tools(let on):
                        await assistant.setToolsEnabled(on)
                        printError("(tools \(on ? "on" : "off"))")
                    case .help, .unknown:
                        printError(ChatCommandLine.helpText)
                    }
                    if case .think = command {} else {
                        prompt(interactive)
                        continue
                    }
                }
                thinkNext = nil
                let display = AnswerDisplay()
                if let answer = await answer(text, thinking: budget, assistant: assistant, display: display, interrupts: interrupts) {
                    display.finish(answer)
                    if let summary = DeliberationDisplay.summary(answer) { printError(summary) }
                } else {
                    print()
                    printError("(stopped)")
                }
                prompt(interactive)
            }
            await assistant.close()
            await servers.close()
        }
    }

    /// One turn, fast or (with a budget, or as the policy decides) deliberate; nil
    /// when it was stopped or failed. Ctrl-C cancels a fast turn; it asks a search
    /// for the best answer so far.
    private func answer(
        _ text: String, thinking budget: Duration?, assistant: Assistant, display: AnswerDisplay, interrupts: InterruptMonitor
    ) async -> AgentAnswer? {
        let deadline = Deadline.unlimited()
        let turn = Task { () -> AgentAnswer? in
            do {
                return try await display.show(assistant.ask(text, thinking: budget, deadline: deadline))
            } catch is CancellationError {
                return nil
            } catch {
                printError("error: \(error)")
                return nil
            }
        }
        let deliberate = assistant.deliberation.budget(for: text, requested: budget) != nil
        let stop: (@Sendable () -> Void)? = deliberate ? { @Sendable in deadline.stop() } : nil
        interrupts.running(Task { _ = await turn.value }, interrupt: stop)
        defer { interrupts.finished() }
        return await turn.value
    }

    private func prompt(_ interactive: Bool) {
        guard interactive else { return }
        FileHandle.standardOutput.write(Data("\n> ".utf8))
    }
}

/// A line starting with "/".
enum ChatCommandLine: Equatable {
    case quit, reset, help
    case tools(Bool)
    /// /think [SECONDS] [QUESTION]
    case think(seconds: Double?, question: String?)
    case unknown(String)

    init(_ line: String) {
        let words = line.split(separator: " ").map { $0.lowercased() }
        if words.first == "/think" {
            var rest = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst()
            var seconds: Double?
            if let first = rest.first, let value = Double(first), value > 0, value <= 86_400 {
                seconds = value
                rest = rest.dropFirst()
            }
            let question = rest.joined(separator: " ")
            self = .think(seconds: seconds, question: question.isEmpty ? nil : question)
            return
        }
        switch (words.first ?? "", words.dropFirst().first) {
        case ("/quit", _), ("/exit", _): self = .quit
        case ("/reset", _): self = .reset
        case ("/help", _): self = .help
        case ("/tools", "on"): self = .tools(true)
        case ("/tools", "off"): self = .tools(false)
        default: self = .unknown(line)
        }
    }

    static let helpText = """
        /think [SECONDS] [QUESTION]
                        think before answering: search for SECONDS (default 30),
                        for QUESTION or else the next question
        /tools on|off   let the model use its tools, or not
        /reset          forget the conversation
        /quit           leave (also Ctrl-D)
        Ctrl-C stops the answer being written (while thinking: answers with the best so far).
        """
}
