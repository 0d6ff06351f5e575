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
            Type a message and press Enter. Commands: /tools on|off, /reset (forget the \
            conversation), /help, /quit (or Ctrl-D). Ctrl-C stops the answer being \
            written; at the prompt, Ctrl-C twice quits.
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
            let interactive = isatty(STDIN_FILENO) != 0
            let interrupts = InterruptMonitor()
            if interactive {
                printError("Ponder chat with \(model.name) — tools \(toolsOn ? "on" : "off"). /help for commands, /quit to leave.")
            }
            prompt(interactive)
            for await line in LineReader.lines() {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.isEmpty {
                    prompt(interactive)
                    continue
                }
                if text.hasPrefix("/") {
                    switch ChatCommandLine(text) {
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
                    prompt(interactive)
                    continue
                }
                let display = AnswerDisplay()
                let turn = Task { [planner, history, session] () -> AgentAnswer? in
                    do {
                        return try await planner.answer(text, history: history, session: session) { display.show($0) }
                    } catch is CancellationError {
                        return nil
                    } catch {
                        printError("error: \(error)")
                        return nil
                    }
                }
                interrupts.running(Task { _ = await turn.value })
                let answer = await turn.value
                interrupts.finished()
                if let answer {
                    display.finish(answer)
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

    private func prompt(_ interactive: Bool) {
        guard interactive else { return }
        FileHandle.standardOutput.write(Data("\n> ".utf8))
    }
}

/// A line starting with "/".
enum ChatCommandLine: Equatable {
    case quit, reset, help
    case tools(Bool)
    case unknown(String)

    init(_ line: String) {
        let words = line.split(separator: " ").map { $0.lowercased() }
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
        /tools on|off   let the model use its tools, or not
        /reset          forget the conversation
        /quit           leave (also Ctrl-D)
        Ctrl-C stops the answer being written.
        """
}
