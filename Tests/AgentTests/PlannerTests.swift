import AgentTools
import Foundation
import Synchronization
import Testing
@testable import Agent

/// The repository's prompts/ folder.
let repositoryPrompts = PromptLibrary(
    directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("prompts").path)

/// A tool that returns a canned answer after a delay and reports a file.
struct EchoTool: Tool {
    let name = "python"
    let description = "Echoes its input."
    var delay: Duration = .zero
    var file: String?

    func run(_ input: String, context: ToolContext) async throws -> ToolResult {
        try await Task.sleep(for: delay)
        return ToolResult(text: "echo: \(input)", files: file.map { [$0] } ?? [])
    }
}

private func planner(_ model: ScriptedModel, tools: [any Tool] = [Calculator()], options: PlannerOptions = PlannerOptions()) -> Planner {
    Planner(model: model, tools: tools, layout: ConversationLayout(prompts: repositoryPrompts), options: options)
}

/// Collects the planner's events.
final class EventLog: Sendable {
    let events = Mutex<[AssistantEvent]>([])
    func record(_ event: AssistantEvent) { events.withLock { $0.append(event) } }
    var shownText: String {
        events.withLock { $0.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined() }
    }
}

@Test func aCalculatorCallIsRunAndItsResultAppended() async throws {
    let model = ScriptedModel(["Let me compute. <calc>24*78</calc>", "So it is 1872."])
    let session = try await model.makeSession() as! ScriptedSession
    let log = EventLog()
    let answer = try await planner(model).answer("What is 24*78?", session: session, onEvent: log.record)
    #expect(answer.answer == "Let me compute. So it is 1872.")
    #expect(answer.steps.map(\.tool) == ["calc"])
    #expect(answer.steps.first?.output == "1872")
    #expect(answer.stoppedBy == nil)
    #expect(session.context.withLock { $0 }.hasSuffix("Let me compute. <calc>24*78</calc><result>1872</result>\nSo it is 1872."))
    #expect(!log.shownText.contains("<"), "markers reached the display: \(log.shownText)")
    #expect(answer.conversation.last == Message(.assistant, "Let me compute. <calc>24*78</calc><result>1872</result>\nSo it is 1872."))
}

@Test func insideAMarkerTheModelIsHeldToTheToolsAlphabetAndClosesIt() async throws {
    // The model would write the answer into the call ("=1872") and never close it.
    // (A scripted model under a constraint goes on writing past its entry; the
    // newline ends its one-line answer, as the end of its turn would.)
    let model = ScriptedModel(["<calc>", "24*78=1872 and so on", "It is 1872.\n"], constrained: true)
    let session = try await model.makeSession() as! ScriptedSession
    let answer = try await planner(model).answer("What is 24*78?", session: session)
    #expect(answer.steps.map(\.input) == ["24*78"])
    #expect(answer.steps.first?.ok == true)
    #expect(answer.answer == "It is 1872.")
    #expect(session.context.withLock { $0 }.contains("<calc>24*78</calc><result>1872</result>"))
}

@Test func aToolErrorGoesBackToTheModel() async throws {
    let model = ScriptedModel(["<calc>1/0</calc>", "That cannot be computed."])
    let session = try await model.makeSession() as! ScriptedSession
    let answer = try await planner(model).answer("What is 1/0?", session: session)
    #expect(answer.steps.first?.ok == false)
    #expect(answer.steps.first?.output.hasPrefix("error: ") == true)
    #expect(session.context.withLock { $0 }.contains("<result>error: "))
    #expect(answer.answer == "That cannot be computed.")
}

@Test func aMarkerLeftOpenIsStillACall() async throws {
    let model = ScriptedModel(["<calc> 2 + 2 ", "Four."])
    let session = try await model.makeSession() as! ScriptedSession
    let answer = try await planner(model).answer("2+2?", session: session)
    #expect(answer.steps.map(\.input) == ["2 + 2"])
    #expect(session.context.withLock { $0 }.contains("<calc> 2 + 2 </calc><result>4</result>"))
    #expect(answer.answer == "Four.")
}

@Test func theStepLimitEndsWithTheBestAnswerSoFar() async throws {
    let model = ScriptedModel(["Trying <calc>1+1</calc>", " again <calc>2+2</calc>", " and <calc>3+3</calc>", "never read"])
    let answer = try await planner(model, options: PlannerOptions(maximumSteps: 2)).answer("Add things.")
    #expect(answer.steps.count == 2)
    #expect(answer.stoppedBy?.description == "the step limit (2)")
    #expect(answer.answer == "Trying  again  and")
}

@Test func theTokenLimitEndsTheRun() async throws {
    let model = ScriptedModel([String(repeating: "blah ", count: 100)])
    let answer = try await planner(model, options: PlannerOptions(maximumTokens: 20)).answer("Talk.")
    #expect(answer.stoppedBy?.description == "the token limit (20)")
    #expect(answer.tokens.generated == 20)
    #expect(answer.answer == "blah blah blah blah")
}

@Test func theTimeLimitStopsASlowTool() async throws {
    let model = ScriptedModel(["<python>slow()</python>", "<python>again()</python>", "done"])
    let slow = EchoTool(delay: .milliseconds(300))
    let options = PlannerOptions(timeLimit: .milliseconds(200))
    let answer = try await planner(model, tools: [slow], options: options).answer("Run it.")
    #expect(answer.stoppedBy?.description == "the time limit")
    #expect(answer.steps.count == 1)
    // Nothing else was written: the tool's result is the best answer there is.
    #expect(answer.answer == "echo: slow()")
}

/// A tool that notes the time its context leaves it, and may stop the caller's deadline.
final class TimedTool: Tool {
    let name = "python"
    let description = "Notes the time it is given."
    let given = Mutex<[Duration?]>([])
    let delay: Duration
    let stops: Deadline?

    init(delay: Duration = .zero, stops: Deadline? = nil) {
        self.delay = delay
        self.stops = stops
    }

    func run(_ input: String, context: ToolContext) async throws -> ToolResult {
        given.withLock { $0.append(context.deadline.remaining) }
        stops?.stop()
        try await Task.sleep(for: delay)
        return ToolResult(text: "ran \(input)")
    }
}

@Test func aDeadlineSoonerThanTheTimeLimitEndsTheRunAndBoundsEachTool() async throws {
    let model = ScriptedModel(["<python>slow()</python>", "<python>again()</python>", "done"])
    let tool = TimedTool(delay: .milliseconds(300))
    let answer = try await planner(model, tools: [tool]).answer("Run it.", deadline: .after(.milliseconds(200)))
    #expect(answer.stoppedBy?.description == "the time limit")
    #expect(answer.steps.count == 1)
    let given = try #require(tool.given.withLock { $0.first } ?? nil)
    #expect(given <= .milliseconds(200))
}

@Test func eachToolHasTheToolTimeoutWhenTheDeadlineIsFurther() async throws {
    let model = ScriptedModel(["<python>x()</python>", "done"])
    let tool = TimedTool()
    let answer = try await planner(model, tools: [tool], options: PlannerOptions(toolTimeout: .seconds(5))).answer("Run it.")
    #expect(answer.stoppedBy == nil)
    let given = try #require(tool.given.withLock { $0.first } ?? nil)
    #expect(given <= .seconds(5) && given > .seconds(4))
}

@Test func stoppingTheDeadlineEndsTheRunWithTheAnswerSoFar() async throws {
    let deadline = Deadline.unlimited()
    let model = ScriptedModel(["<python>stop()</python>", "More text that is never written.", "done"])
    let answer = try await planner(model, tools: [TimedTool(stops: deadline)]).answer("Run it.", deadline: deadline)
    #expect(answer.stoppedBy == .stopRequest)
    #expect(answer.steps.count == 1)
    #expect(!answer.answer.contains("never written"))
}

@Test func aRepeatedCallEndsTheLoop() async throws {
    let model = ScriptedModel(["<calc>2*3</calc>", "<calc>2*3</calc>", "<calc>2*3</calc>"])
    let answer = try await planner(model).answer("2*3?")
    #expect(answer.steps.count == 1)
    #expect(answer.answer == "6")
    #expect(model.remainingEntries == 1)
}

@Test func anInventedResultIsNotTrusted() async throws {
    let model = ScriptedModel(["The answer is <result>42</result> surely", "unused"])
    let answer = try await planner(model).answer("Guess.")
    #expect(answer.answer == "The answer is")
    #expect(answer.steps.isEmpty)
}

@Test func filesFromToolsAreListed() async throws {
    let model = ScriptedModel(["<python>\n```python\nplot()\n```\n</python>", "Here is the chart."])
    let answer = try await planner(model, tools: [EchoTool(file: "/tmp/figure-1.png")]).answer("Plot.")
    #expect(answer.steps.map(\.input) == ["plot()"])
    #expect(answer.files == ["/tmp/figure-1.png"])
}

@Test func hermesCallsAreAnsweredWithAToolResponseMessage() async throws {
    let call = #"<tool_call>{"name": "calc", "arguments": {"input": "24*78"}}</tool_call>"#
    let model = ScriptedModel([call, "It is 1872."], nativeFormat: .hermes)
    let answer = try await planner(model).answer("What is 24*78?")
    #expect(answer.steps.map(\.input) == ["24*78"])
    #expect(answer.answer == "It is 1872.")
    let lastStart = try #require(model.starts.withLock { $0.last })
    #expect(lastStart.suffix(2) == [Message(.assistant, call), Message(.user, "<tool_response>\n1872\n</tool_response>")])
    #expect(lastStart.first?.content.contains(#""name": "calc""#) == true)
}

@Test func malformedAndUnknownCallsAreReportedToTheModel() async throws {
    let model = ScriptedModel(
        ["<tool_call>{calc 2+2}</tool_call>", #"<tool_call>{"name": "weather", "arguments": {}}</tool_call>"#, "Sorry."],
        nativeFormat: .hermes)
    let answer = try await planner(model).answer("2+2?")
    #expect(answer.steps.count == 2)
    #expect(answer.steps.allSatisfy { !$0.ok })
    #expect(answer.steps[0].output.contains("not JSON"))
    #expect(answer.steps[1].output == "error: there is no tool 'weather'; the tools are calc")
    #expect(answer.answer == "Sorry.")
}

@Test func withoutToolsTheModelJustAnswers() async throws {
    let model = ScriptedModel(["<calc>1+1</calc> is 2"])
    let answer = try await planner(model, tools: []).answer("1+1?")
    #expect(answer.steps.isEmpty)
    #expect(answer.answer == "<calc>1+1</calc> is 2")
    let system = try #require(model.starts.withLock { $0.first?.first })
    #expect(!system.content.contains("<calc>"))
}

@Test func aModelRepeatingItselfIsStopped() async throws {
    let model = ScriptedModel(["It is 4.\n" + String(repeating: "<most recent line>\n", count: 50)])
    let answer = try await planner(model).answer("2+2?")
    #expect(answer.stoppedBy == .repetition)
    #expect(answer.tokens.generated < 120)
}
