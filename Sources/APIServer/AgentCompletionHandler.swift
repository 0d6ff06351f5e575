import Agent
import AgentTools
import Foundation
import Hummingbird
import OpenAIAPI
import Synchronization

/// `ponder-agent`: the whole planner on the server. The last user message is the
/// question, earlier user and assistant messages its history; Ponder's own tools
/// (fetch, python, calc) run here, and the answer comes back as the assistant's
/// message. The tool calls are reported in `ponder_steps` (streaming: one
/// `ponder_step` chunk as each finishes). A question with a phrase such as "take
/// your time", or a request with `ponder_deliberate`, is answered by a search;
/// `ponder_events` adds the run's events to the stream (`PonderAgentRequest`).
extension OpenAIServer {
    func agentCompletion(_ body: ChatCompletionRequest, requestBody: RequestBody) async throws -> Response {
        // The body was read whole (as `body`); its Ponder fields are read from the same bytes.
        let bytes = try await requestBody.collect(upTo: configuration.maximumBodyBytes)
        let extensions = try PonderAgentRequest.read(Data(bytes.readableBytesView))
        try SamplingValidation.checkChoiceCount(body.n)
        if let tools = body.tools, !tools.isEmpty {
            throw APIError.invalid(
                "'\(ModelNames.agent)' runs Ponder's own tools on the server; send no 'tools' (or use the model '\(ModelNames.alias)' to call your own)",
                param: "tools")
        }
        if let choice = body.toolChoice, choice != .auto, choice != ToolChoice.none {
            throw APIError.invalid(
                "'tool_choice' forces a call of the request's own 'tools', which '\(ModelNames.agent)' does not take (use the model '\(ModelNames.alias)')",
                param: "tool_choice")
        }
        if body.logprobs == true {
            throw APIError.invalid("'logprobs' is not available for '\(ModelNames.agent)'", param: "logprobs")
        }
        guard let last = body.messages.last, last.role == .user, !last.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.invalid("the last message must be the user's question", param: "messages")
        }
        let history = body.messages.dropLast().compactMap { message -> Message? in
            switch message.role {
            case .user: Message(.user, message.text)
            case .assistant: Message(.assistant, message.text)
            case .system, .developer, .tool: nil
            }
        }
        var options = configuration.agentOptions
        let sampling = try SamplingValidation.generationOptions(
            temperature: body.temperature ?? options.temperature, topP: body.topP, maxTokens: body.maxCompletionTokens ?? body.maxTokens,
            maxTokensField: body.maxCompletionTokens != nil ? "max_completion_tokens" : "max_tokens", stop: nil,
            seed: body.seed ?? Int64(bitPattern: options.seed), logProbabilities: false, topAlternatives: 0)
        options.temperature = Double(sampling.sampling.temperature)
        options.seed = sampling.sampling.seed
        if sampling.maximumTokens != Int.max { options.maximumTokens = sampling.maximumTokens }
        let id = Self.newID("chatcmpl")
        options.outputDirectory = URL(fileURLWithPath: configuration.agentTools.outputDirectory).appendingPathComponent(id).path
        let question = last.text
        let created = Int(Date().timeIntervalSince1970)
        let model = body.model
        let includeUsage = body.streamOptions?.includeUsage == true
        let ticket = try admission.admit()
        let runOptions = options
        let thinking = extensions.thinking, toolsEnabled = extensions.tools ?? true, sendsEvents = extensions.events == true

        if body.stream == true {
            return HTTPResponses.eventStream(requestBody: requestBody) { events in
                defer { ticket.finish() }
                @Sendable func chunk(_ delta: ChatCompletionChunk.Delta, finish: String? = nil, step: PonderStep? = nil) -> ChatCompletionChunk {
                    ChatCompletionChunk(id: id, created: created, model: model, choices: [.init(delta: delta, finishReason: finish)], ponderStep: step)
                }
                events.send(chunk(.init(role: "assistant", content: "")))
                @Sendable func send(_ event: PonderEvent) {
                    if sendsEvents { events.send(PonderEventChunk(id: id, created: created, model: model, event: event)) }
                }
                send(.start(id: id, thinking: thinking ?? self.configuration.agentDeliberation.budget(for: question)))
                try await ticket.wait()
                let wroteText = Mutex(false)
                let answer = try await self.runAgent(
                    question, history: history, options: runOptions, thinking: thinking, toolsEnabled: toolsEnabled
                ) { event in
                    if let made = PonderEvent.of(event, run: id) { send(made) }
                    switch event {
                    case .text(let text):
                        wroteText.withLock { wrote in
                            if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { wrote = true }
                        }
                        events.send(chunk(.init(content: text)))
                    case .toolResult(let step):
                        events.send(chunk(.init(), step: Self.ponderStep(step)))
                    case .toolStarted, .progress, .stopped, .answer:
                        break
                    }
                }
                if !wroteText.withLock({ $0 }), !answer.answer.isEmpty {
                    // The model wrote nothing after its last tool: the result is the answer.
                    events.send(chunk(.init(content: answer.answer)))
                }
                events.send(chunk(.init(), finish: "stop"))
                if includeUsage {
                    events.send(ChatCompletionChunk(
                        id: id, created: created, model: model, choices: [],
                        usage: Usage(promptTokens: answer.tokens.prompt, completionTokens: answer.tokens.generated)))
                }
                events.done()
            }
        }
        let answer = try await requestBody.consumeWithCancellationOnInboundClose { _ in
            defer { ticket.finish() }
            try await ticket.wait()
            return try await self.runAgent(question, history: history, options: runOptions, thinking: thinking, toolsEnabled: toolsEnabled) { _ in }
        }
        return HTTPResponses.closing(HTTPResponses.json(ChatCompletionResponse(
            id: id, created: created, model: model,
            choices: [.init(message: ChatCompletionMessage(role: .assistant, content: answer.answer), finishReason: "stop")],
            usage: Usage(promptTokens: answer.tokens.prompt, completionTokens: answer.tokens.generated),
            ponderSteps: answer.steps.map(Self.ponderStep))))
    }

    /// One question to an assistant of its own: fresh standard tools (a Python
    /// session in the run's folder, none unless `toolsEnabled`), `history` from the
    /// request, the server's deliberation policy (or a search of `thinking`).
    /// `handle` sees each event as it happens; the answer is returned.
    func runAgent(
        _ question: String, history: [Message], options: PlannerOptions, thinking: Duration? = nil, toolsEnabled: Bool = true,
        handle: @Sendable (AssistantEvent) -> Void
    ) async throws -> AgentAnswer {
        let tools = configuration.agentTools.writing(into: options.outputDirectory ?? configuration.agentTools.outputDirectory)
        var toolbox = Toolbox.standard(tools)
        // Tools added at run time (MCP servers', from --mcp) come first, in their order.
        for tool in configuration.agentExtraTools.reversed() { toolbox.add(tool) }
        let assistant = Assistant(
            model: planningModel, toolbox: toolbox, prompts: prompts, options: options,
            deliberation: configuration.agentDeliberation, history: history, toolsEnabled: toolsEnabled)
        var answer: AgentAnswer?
        do {
            for try await event in assistant.ask(question, thinking: thinking) {
                if case .answer(let final) = event { answer = final }
                handle(event)
            }
        } catch {
            await assistant.close()
            throw error
        }
        await assistant.close()
        // The stream ends without an answer only when this task was cancelled.
        guard let answer else { throw CancellationError() }
        return answer
    }

    static func ponderStep(_ step: AgentStep) -> PonderStep {
        PonderStep(tool: step.tool, input: step.input, output: step.output, ok: step.ok, ms: step.ms)
    }
}
