import AgentTools
import Foundation
import Synchronization
import Testing
@testable import Agent

/// The assistant on the scripted model: the order of its events, its history and
/// its trimming, the tools switch, the deliberation policy and cancellation.
struct AssistantTests {
    /// What kind of event each is, consecutive text pieces merged into one "text".
    static func kinds(_ events: [AssistantEvent]) -> [String] {
        events.map { event -> String in
            switch event {
            case .text: "text"
            case .toolStarted: "toolStarted"
            case .toolResult: "toolResult"
            case .progress: "progress"
            case .stopped: "stopped"
            case .answer: "answer"
            }
        }.reduce(into: []) { merged, kind in
            if !(kind == "text" && merged.last == "text") && !(kind == "progress" && merged.last == "progress") { merged.append(kind) }
        }
    }

    static func collect(_ stream: AsyncThrowingStream<AssistantEvent, any Error>) async throws -> [AssistantEvent] {
        var events: [AssistantEvent] = []
        for try await event in stream { events.append(event) }
        return events
    }

    static func assistant(
        _ model: some LanguageModel, tools: [any Tool] = [Calculator()], options: PlannerOptions = PlannerOptions(),
        deliberation: DeliberationPolicy = DeliberationPolicy(), maximumHistoryMessages: Int = Assistant.defaultMaximumHistoryMessages
    ) -> Assistant {
        Assistant(
            model: model, toolbox: Toolbox(tools: tools), prompts: repositoryPrompts, options: options, deliberation: deliberation,
            maximumHistoryMessages: maximumHistoryMessages)
    }

    @Test func aToolCallIsReportedAsStartedThenFinishedBetweenTheTextAndTheAnswerComesLast() async throws {
        let model = ScriptedModel(["Let me compute. <calc>24*78</calc>", "So it is 1872."])
        let events = try await Self.collect(Self.assistant(model).ask("What is 24*78?"))
        #expect(Self.kinds(events) == ["text", "toolStarted", "toolResult", "text", "answer"])
        #expect(events.contains(.toolStarted(tool: "calc", input: "24*78")))
        let step = try #require(events.lazy.compactMap { if case .toolResult(let step) = $0 { step } else { nil } }.first)
        #expect(step.tool == "calc" && step.output == "1872" && step.ok)
        let text = events.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
        #expect(text == "Let me compute. So it is 1872.")
        guard case .answer(let answer) = events.last else { Issue.record("the last event is not the answer"); return }
        #expect(answer.answer == "Let me compute. So it is 1872.")
        #expect(answer.mode == .fast && answer.stoppedBy == nil && answer.steps == [step])
    }

    @Test func aLimitIsReportedAsStoppedJustBeforeTheAnswer() async throws {
        let model = ScriptedModel(["Trying <calc>1+1</calc>", " again <calc>2+2</calc>", " and <calc>3+3</calc>", "never read"])
        let events = try await Self.collect(Self.assistant(model, options: PlannerOptions(maximumSteps: 2)).ask("Add things."))
        #expect(Array(events.suffix(2).map { Self.kinds([$0]) }.joined()) == ["stopped", "answer"])
        #expect(events.contains(.stopped(.stepLimit(2))))
        guard case .answer(let answer) = events.last else { Issue.record("no answer"); return }
        #expect(answer.stoppedBy == .stepLimit(2))
    }

    @Test func theHistoryCarriesEarlierTurnsAndIsTrimmedToStartWithAQuestion() async throws {
        let model = ScriptedModel(["<calc>2*3</calc>", "It is 6.", "It is 12.", "It is 24."])
        let assistant = Self.assistant(model, maximumHistoryMessages: 3)
        _ = try await assistant.answer("What is 2*3?")
        #expect(await assistant.history == [
            Message(.user, "What is 2*3?"), Message(.assistant, "<calc>2*3</calc><result>6</result>\nIt is 6."),
        ])
        _ = try await assistant.answer("And twice that?")
        // The second question was asked after the first turn.
        let second = try #require(model.starts.withLock { $0.last })
        #expect(second.suffix(3) == [
            Message(.user, "What is 2*3?"), Message(.assistant, "<calc>2*3</calc><result>6</result>\nIt is 6."),
            Message(.user, "And twice that?"),
        ])
        // Four messages cut to three would start with an answer: the history starts at the next question.
        #expect(await assistant.history == [Message(.user, "And twice that?"), Message(.assistant, "It is 12.")])
        try await assistant.reset()
        #expect(await assistant.history.isEmpty)
        _ = try await assistant.answer("Again?")
        let afterReset = try #require(model.starts.withLock { $0.last })
        #expect(!afterReset.contains(Message(.user, "And twice that?")))
    }

    @Test func toolsCanBeSwitchedOffAndOn() async throws {
        let model = ScriptedModel(["<calc>1+1</calc> is 2", "<calc>1+1</calc>", "Two."])
        let assistant = Self.assistant(model)
        await assistant.setToolsEnabled(false)
        let plain = try await assistant.answer("1+1?")
        #expect(plain.steps.isEmpty && plain.answer == "<calc>1+1</calc> is 2")
        #expect(model.starts.withLock { $0.last?.first?.content.contains("<calc>") } == false)
        await assistant.setToolsEnabled(true)
        let computed = try await assistant.answer("1+1?")
        #expect(computed.steps.map(\.output) == ["2"])
    }

    @Test func aTriggerPhraseAsksForASearchWhoseProgressIsReported() async throws {
        let model = TreeModel(clock: ManualClock()) { _, _ in "WIN 24" }
        let policy = DeliberationPolicy(
            trigger: DeliberationTrigger(phrases: ["take your time"]), recognisers: [{ _ in LabelTask() }],
            options: DeliberationOptions(proposals: 2))
        let assistant = Self.assistant(model, deliberation: policy)
        #expect(policy.budget(for: "Take your time: which label?") == DeliberationTrigger.defaultBudget)
        #expect(policy.budget(for: "Which label?") == nil)
        #expect(policy.budget(for: "Which label?", requested: .seconds(5)) == .seconds(5))
        let events = try await Self.collect(assistant.ask("Take your time: which label?"))
        #expect(Self.kinds(events) == ["progress", "answer"])
        guard case .answer(let answer) = events.last else { Issue.record("no answer"); return }
        #expect(answer.mode == .deliberate && answer.answer == "24" && answer.deliberation?.verified == true)
        #expect(await assistant.history == [Message(.user, "Take your time: which label?"), Message(.assistant, "24")])
    }

    @Test func aSearchRunsOnTheClockOfTheTurnsDeadline() async throws {
        let clock = ManualClock()
        let model = TreeModel(clock: clock, cost: .seconds(1)) { _, seed in "S\(seed % 1_000_003)" }
        let policy = DeliberationPolicy(budget: .seconds(5), recognisers: [{ _ in LabelTask() }], options: DeliberationOptions(proposals: 2))
        let assistant = Self.assistant(model, deliberation: policy)
        let events = try await Self.collect(assistant.ask("Which label?", deadline: .unlimited(on: clock)))
        #expect(Self.kinds(events) == ["progress", "stopped", "answer"])
        guard case .answer(let answer) = events.last else { Issue.record("no answer"); return }
        #expect(answer.stoppedBy == .budget(.seconds(5)))
        // One generation late at most, by the clock the deadline carried.
        #expect(clock.now >= .seconds(5) && clock.now <= .seconds(6))
    }

    @Test func stoppingTheTurnsDeadlineAnswersASearchWithTheBestSoFar() async throws {
        let clock = ManualClock()
        let deadline = Deadline.unlimited(on: clock)
        let model = TreeModel(clock: clock, afterGeneration: { if $0 == 3 { deadline.stop() } }) { _, seed in "S\(seed % 1_000_003)" }
        let policy = DeliberationPolicy(budget: .seconds(1000), recognisers: [{ _ in LabelTask() }], options: DeliberationOptions(proposals: 2))
        let assistant = Self.assistant(model, deliberation: policy)
        let events = try await Self.collect(assistant.ask("Which label?", deadline: deadline))
        #expect(Self.kinds(events) == ["progress", "stopped", "answer"])
        guard case .answer(let answer) = events.last else { Issue.record("no answer"); return }
        #expect(answer.mode == .deliberate && answer.stoppedBy == .stopRequest)
        #expect(answer.answer.hasPrefix("partial: "))
        #expect(model.generations.withLock { $0 } == 3)
    }

    @Test func cancellingTheReaderStopsTheTurnAndTheNextTurnRuns() async throws {
        let model = ScriptedModel(["<python>slow()</python>", "After."])
        let assistant = Self.assistant(model, tools: [EchoTool(delay: .seconds(30))])
        let started = ContinuousClock.now
        let toolRunning = AsyncStream<Void>.makeStream()
        let reader = Task { () -> AgentAnswer? in
            var answer: AgentAnswer?
            for try await event in assistant.ask("Run it.") {
                if case .toolStarted = event { toolRunning.continuation.yield() }
                if case .answer(let final) = event { answer = final }
            }
            return answer
        }
        for await _ in toolRunning.stream { break }
        reader.cancel()
        // The stream ends without an answer, or its reader sees the cancellation, as the
        // race between the cancel and the stream's next event goes; never an answer.
        switch await reader.result {
        case .success(let answer): #expect(answer == nil)
        case .failure(let error): #expect(error is CancellationError)
        }
        let answer = try await assistant.answer("And now?")
        #expect(ContinuousClock.now - started < .seconds(10), "the slow tool was waited for")
        #expect(answer.answer == "After.")
    }

    @Test func stopReasonsKeepTheirPhrasesInJSON() throws {
        let reasons: [StopReason] = [
            .timeLimit, .tokenLimit(512), .stepLimit(6), .repetition, .stopRequest, .cancellation, .budget(.seconds(30)),
            .budget(.milliseconds(2500)),
        ]
        #expect(reasons.map(\.description) == [
            "the time limit", "the token limit (512)", "the step limit (6)",
            "repetition (the model was writing the same line again and again)", "a stop request", "cancellation",
            "the time budget (30 s)", "the time budget (2.5 s)",
        ])
        for reason in reasons { #expect(StopReason(description: reason.description) == reason) }
        let answer = AgentAnswer(answer: "6", mode: .deliberate, stoppedBy: .stepLimit(6))
        let json = String(decoding: try JSONEncoder().encode(answer), as: UTF8.self)
        #expect(json.contains(#""stopped_by":"the step limit (6)""#) && json.contains(#""mode":"deliberate""#))
        #expect(try JSONDecoder().decode(AgentAnswer.self, from: Data(json.utf8)) == answer)
    }

    @Test func theStandardToolboxOffersSearchOnlyWithAnEndpointAndAddedToolsFirst() async {
        let settings = ToolboxSettings(outputDirectory: FileManager.default.temporaryDirectory.path)
        #expect(Toolbox.standard(settings).names == ["fetch", "python", "calc"])
        var searching = settings
        searching.searchEndpoint = "http://127.0.0.1:8888/search"
        var toolbox = Toolbox.standard(searching)
        #expect(toolbox.names == ["fetch", "web_search", "python", "calc"])
        toolbox.add(EchoTool())
        #expect(toolbox.names == ["python", "fetch", "web_search", "calc"])
        #expect(toolbox.python != nil)
        #expect(Toolbox(tools: [EchoTool(), Calculator()]).python == nil)
        #expect(settings.writing(into: "/tmp/run-1").outputDirectory == "/tmp/run-1")
    }
}
