import AgentTools
import Foundation
import Synchronization
import Testing
@testable import Agent

/// Grounded runs: a model with a vocabulary (so calls can be constrained) and the
/// planner holding its calls to the question.
private func groundedPlanner(_ model: ScriptedModel, tools: [any Tool]) -> Planner {
    Planner(model: model, tools: tools, layout: ConversationLayout(prompts: repositoryPrompts))
}

/// A tool that answers from a list, one reply per call, and records its inputs.
private final class ReplyingTool: Tool {
    let name: String
    let description = "Replies from a list."
    let replies: Mutex<[ToolResult]>
    let inputs = Mutex<[String]>([])

    init(name: String, replies: [ToolResult]) {
        self.name = name
        self.replies = Mutex(replies)
    }

    func run(_ input: String, context: ToolContext) async throws -> ToolResult {
        inputs.withLock { $0.append(input) }
        return replies.withLock { $0.isEmpty ? ToolResult(text: "error: no reply left", ok: false) : $0.removeFirst() }
    }
}

@Test func arithmeticIsNeverFetched() async throws {
    // The model starts to write a fetch; the question is arithmetic, so the calculator is opened.
    let model = ScriptedModel(["<fetch>", "24*78</calc>", "It is 1872.\n"], constrained: true)
    let fetcher = ReplyingTool(name: "fetch", replies: [])
    let answer = try await groundedPlanner(model, tools: [Calculator(), fetcher]).answer("What is 24*78?")
    #expect(answer.steps.map(\.tool) == ["calc"] && answer.steps.first?.output == "1872")
    #expect(fetcher.inputs.withLock { $0.isEmpty })
    #expect(answer.answer.contains("1872"))
}

@Test func failedCodeIsTriedAgainWithItsOneLineError() async throws {
    let python = ReplyingTool(name: "python", replies: [
        ToolResult(text: "error: Traceback (most recent call last):\n  File \"<cell 1>\", line 1, in <module>\nNameError: name 'plt' is not defined", ok: false),
        ToolResult(text: "figure saved: figure-1.png", files: ["figure-1.png"]),
    ])
    let model = ScriptedModel(["<python>", "plt.bar([3, 8, 5])</python>", "plt.bar([3, 8, 5], color='g')</python>", "Here it is."], constrained: true)
    let session = try await model.makeSession() as! ScriptedSession
    let answer = try await groundedPlanner(model, tools: [python]).answer("Draw a bar chart of 3, 8, 5.", session: session)
    // The planner writes the import and the question's data; the model the rest.
    let start = "import matplotlib.pyplot as plt\nvalues = [3, 8, 5]\n"
    #expect(python.inputs.withLock { $0 } == [start + "plt.bar([3, 8, 5])", start + "plt.bar([3, 8, 5], color='g')"])
    #expect(answer.files == ["figure-1.png"])
    let context = session.context.withLock { $0 }
    // The model reads the error's last line, not the traceback, and the marker is opened again for it.
    #expect(context.contains("<result>error: NameError: name 'plt' is not defined"))
    #expect(!context.contains("Traceback"))
}

@Test func codeWithBareLabelsIsRefusedBeforeItRuns() async throws {
    let python = ReplyingTool(name: "python", replies: [ToolResult(text: "figure saved: figure-1.png", files: ["figure-1.png"])])
    let model = ScriptedModel(["<python>", "plt.bar([Tom, Ann], values)</python>", "plt.bar(labels, values)</python>", "Done."], constrained: true)
    let answer = try await groundedPlanner(model, tools: [python]).answer("Draw a bar chart of Tom 3, Ann 8.")
    // Only the call that quotes its labels ran; its data came from the question.
    #expect(python.inputs.withLock { $0 } == ["import matplotlib.pyplot as plt\nlabels = [\"Tom\", \"Ann\"]\nvalues = [3, 8]\nplt.bar(labels, values)"])
    #expect(answer.steps.count == 2 && !answer.steps[0].ok && answer.steps[0].output.contains("quoted") && answer.steps[1].ok)
}

@Test func inventedNumbersCannotBeWrittenIntoPlottingCode() {
    // Points become x and y; a bare list becomes values; a function gets only the import.
    #expect(PlotCodeStart.code(for: "Scatter plot the points (1, 4), (2, 9.5).") == "import matplotlib.pyplot as plt\nx = [1, 2]\ny = [4, 9.5]\n")
    #expect(PlotCodeStart.code(for: "Plot 3, 8, 5 as a line.") == "import matplotlib.pyplot as plt\nvalues = [3, 8, 5]\n")
    #expect(PlotCodeStart.code(for: "Plot sin(x) for x from 0 to 2*pi.") == "import matplotlib.pyplot as plt\n")
}

@Test func aLongPageIsReadByItsBestPassagesAndTheAnswerCopiesOne() async throws {
    let filler = (1...80).map { "The old square of Varn has cafés and shop number \($0)." }.joined(separator: " ")
    let page = "URL: http://example.org/varn\nTitle: Varn\n\n\(filler) Since the election, Ada Brook has led the town council of Varn as mayor."
    let fetcher = ReplyingTool(name: "fetch", replies: [ToolResult(text: page)])
    // The model would start its copy at the name and stop before the end.
    let model = ScriptedModel(["<fetch>", "http://example.org/varn</fetch>", "Ada Brook has led\n"], constrained: true)
    let session = try await model.makeSession() as! ScriptedSession
    let answer = try await groundedPlanner(model, tools: [fetcher]).answer("Who is the mayor of Varn, according to http://example.org/varn?", session: session)
    // The fact sits past the first 2,000 characters, yet the model read it.
    #expect(page.count > 4000)
    #expect(session.context.withLock { $0 }.contains("Ada Brook has led the town council of Varn as mayor."))
    // The copy runs from the best passage's first word to its end.
    #expect(answer.answer == "Since the election, Ada Brook has led the town council of Varn as mayor.")
}

@Test func theAnswerKeepsTheCalculatorsResult() {
    var run = PlannerRun(format: .inline, tools: [Calculator()], constrained: true)
    run.grounding = CallGrounding(question: "What is 1234*1990?")
    run.steps = [AgentStep(tool: "calc", input: "1234*1990", output: "2455660", ok: true, ms: 0)]
    run.visibleText = "The product is large."
    #expect(run.finalAnswer == "The product is large. (2455660)")
    run.visibleText = "It is 2455660."
    #expect(run.finalAnswer == "It is 2455660.")
    // A number that only contains the result's digits is not the result.
    run.steps = [AgentStep(tool: "calc", input: "10260/171", output: "60", ok: true, ms: 0)]
    run.visibleText = "10260 / 171 = 1."
    #expect(run.finalAnswer == "10260 / 171 = 1. (60)")
}
