import Agent
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

    /// Earlier turns kept in the context; older ones are dropped first.
    static let maximumHistoryMessages = 24

    func run() async throws {
        try await reportingErrors {
            let model = try agent.loadModel()
            var toolsOn = !agent.noTools
            let python = agent.pythonRunner()
            var planner = try agent.planner(model: model, python: python, toolsEnabled: toolsOn)
            var session = try await model.makeSession()
            var history: [Message] = []
            /// Set by /think without a question: the next question's search budget.
            var thinkNext: Duration?
            let interactive = isatty(STDIN_FILENO) != 0
            let interrupts = InterruptMonitor()
            if interactive {
                printError("Ponder chat with \(model.name) — tools \(toolsOn ? "on" : "off"). /help for commands, /quit to leave.")
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
                        await python.stop()
                        return
                    case .reset:
                        history = []
                        session = try await model.makeSession()
                        _ = try await python.reset()
                        printError("(conversation forgotten)")
                    case .tools(let on):
                        toolsOn = on
                        planner = try agent.planner(model: model, python: python, toolsEnabled: on)
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
                if budget == nil, try DeliberationTrigger(prompts: planner.layout.prompts).phrase(in: text) != nil {
                    budget = DeliberationTrigger.defaultBudget
                }
                let display = AnswerDisplay()
                let answer = await answer(
                    text, history: history, planner: planner, session: session, budget: budget, display: display, interrupts: interrupts)
                if let answer {
                    display.finish(answer)
                    if let summary = DeliberationDisplay.summary(answer) { printError(summary) }
                    history = Array((history + answer.conversation).suffix(Self.maximumHistoryMessages))
                    // A cut history must start with a question.
                    while let first = history.first, first.role != .user { history.removeFirst() }
                } else {
                    print()
                    printError("(stopped)")
                }
                prompt(interactive)
            }
        }
    }

    /// One turn, fast or (with a budget) deliberate; nil when it was stopped or failed.
    private func answer(
        _ text: String, history: [Message], planner: Planner, session: any LanguageModelSession, budget: Duration?,
        display: AnswerDisplay, interrupts: InterruptMonitor
    ) async -> AgentAnswer? {
        let control = DeliberationControl()
        let progress = DeliberationDisplay()
        let deliberate = budget.map { agent.deliberateMode(planner: planner, budget: $0) }
        let turn = Task { () -> AgentAnswer? in
            do {
                guard let deliberate else {
                    return try await planner.answer(text, history: history, session: session) { display.show($0) }
                }
                let answer = try await deliberate.answer(text, history: history, control: control) { progress.show($0) }
                progress.finish()
                return answer
            } catch is CancellationError {
                return nil
            } catch {
                printError("error: \(error)")
                return nil
            }
        }
        let stop: (@Sendable () -> Void)? = deliberate == nil ? nil : { @Sendable in control.stop() }
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
