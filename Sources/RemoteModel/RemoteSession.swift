import Agent
import AsyncHTTPClient
import Foundation
import NIOCore
import OpenAIAPI
import Synchronization

/// A planner session on a remote server: the conversation and the assistant's text
/// so far, sent whole with each generation.
final class RemoteSession: LanguageModelSession, Sendable {
    private struct Context {
        var messages: [Message] = []
        /// The current assistant turn: its start, what the model wrote, what tools returned.
        var assistantText = ""
        var usage = TokenUsage()
    }

    private let model: RemoteLanguageModel
    private let context: Mutex<Context>

    init(model: RemoteLanguageModel) {
        self.model = model
        context = Mutex(Context())
    }

    private init(model: RemoteLanguageModel, copying other: Context) {
        self.model = model
        context = Mutex(other)
    }

    var usage: TokenUsage { get async { context.withLock { $0.usage } } }

    func start(_ messages: [Message], assistantPrefix: String, stablePrefix: Int) async throws {
        context.withLock {
            $0.messages = messages
            $0.assistantText = assistantPrefix
        }
    }

    func append(_ text: String) async throws {
        context.withLock { $0.assistantText += text }
    }

    func fork() async throws -> any LanguageModelSession {
        RemoteSession(model: model, copying: context.withLock { $0 })
    }

    func generate(_ request: GenerationRequest, onText: @escaping @Sendable (String) -> Bool) async throws -> GenerationOutcome {
        let (messages, assistantText) = context.withLock { ($0.messages, $0.assistantText) }
        let modelName = try await model.modelName()
        let (url, body) = try requestBody(model: modelName, messages: messages, assistantText: assistantText, request: request)
        var httpRequest = HTTPClientRequest(url: url)
        httpRequest.method = .POST
        httpRequest.headers.add(name: "Content-Type", value: "application/json")
        httpRequest.headers.add(name: "Accept", value: "text/event-stream")
        model.authorize(&httpRequest)
        httpRequest.body = .bytes(ByteBuffer(bytes: body))

        let response = try await model.send(httpRequest, url: url)
        var parser = ServerSentEventParser()
        var watcher = StopWatcher(request.stopStrings + endOfTurnStrings)
        var text = ""
        var reason: GenerationOutcome.StopReason = .endOfTurn
        var finished = false
        var chunks = 0
        var logProbabilities: [Double] = []
        var alternatives: [[TokenAlternative]] = []
        var counted: StreamedEvent.Counts?

        func handle(_ data: String) throws {
            guard data != ServerSentEvents.done else {
                finished = true
                return
            }
            guard let event = try? JSONDecoder().decode(StreamedEvent.self, from: Data(data.utf8)) else {
                throw RemoteModelError.malformedResponse(url: url, detail: "an event is not JSON: \(data.prefix(200))")
            }
            if let error = event.error { throw RemoteModelError.streamError(url: url, message: error.message) }
            if let usage = event.usage { counted = usage }
            guard let choice = event.choices?.first else { return }
            logProbabilities += choice.logprobs?.values ?? []
            alternatives += (choice.logprobs?.alternatives ?? []).map { step in
                step.map { TokenAlternative(text: $0.text, logProbability: $0.logProbability) }
            }
            let piece = choice.newText
            if !piece.isEmpty {
                chunks += 1
                let (shown, stop) = watcher.feed(piece)
                text += shown
                if !shown.isEmpty, !onText(shown) {
                    reason = .cancelled
                    finished = true
                    return
                }
                if let stop {
                    reason = endOfTurnStrings.contains(stop) && !request.stopStrings.contains(stop) ? .endOfTurn : .stopString(stop)
                    finished = true
                    return
                }
            }
            if let finish = choice.finishReason {
                switch finish {
                case "length":
                    reason = .maximumTokens
                default:
                    // A server that says which stop string ended the text (vLLM, ponder
                    // serve); others only say "stop", the same as the end of the turn.
                    if let stop = choice.stopReason, request.stopStrings.contains(stop) {
                        reason = .stopString(stop)
                    } else {
                        reason = .endOfTurn
                    }
                }
            }
        }

        do {
            stream: for try await buffer in response.body {
                for data in parser.feed(buffer.readableBytesView) {
                    try handle(data)
                    if finished { break stream }
                }
            }
            if !finished { for data in parser.finish() { try handle(data) } }
        } catch let error as RemoteModelError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw model.describe(error, url: url)
        }
        if case .stopString = reason {} else if reason != .cancelled {
            let rest = watcher.flush()
            if !rest.isEmpty {
                text += rest
                _ = onText(rest)
            }
        }
        var stopText = ""
        if case .stopString(let stop) = reason { stopText = stop }
        let generated = counted?.completionTokens ?? chunks
        context.withLock {
            $0.assistantText += text + stopText
            $0.usage.generated += generated
            $0.usage.prompt += counted?.promptTokens ?? 0
        }
        return GenerationOutcome(
            text: text, stopReason: reason, tokenCount: generated, logProbabilities: request.logProbabilities ? logProbabilities : [],
            alternatives: request.alternatives > 0 ? alternatives : [])
    }

    /// End-of-turn text of a locally rendered prompt (never part of a chat request).
    private var endOfTurnStrings: [String] {
        if case .completions(let renderer) = model.endpoint { return renderer.endOfTurn }
        return []
    }

    /// The endpoint's URL and the JSON body for one generation.
    private func requestBody(model modelName: String, messages: [Message], assistantText: String, request: GenerationRequest) throws -> (String, Data) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let seed = request.temperature > 0 ? Int64(bitPattern: request.seed) : nil
        switch model.endpoint {
        case .chat:
            var apiMessages = messages.map { ChatCompletionMessage(role: Self.role($0.role), content: $0.content) }
            if !assistantText.isEmpty { apiMessages.append(ChatCompletionMessage(role: .assistant, content: assistantText)) }
            var body = ChatCompletionRequest(
                model: modelName, messages: apiMessages, stream: true, temperature: request.temperature,
                maxTokens: request.maximumTokens, stop: request.stopStrings.isEmpty ? nil : request.stopStrings, seed: seed,
                logprobs: request.logProbabilities || request.alternatives > 0 ? true : nil,
                topLogprobs: request.alternatives > 0 ? request.alternatives : nil)
            body.streamOptions = StreamOptions(includeUsage: true)
            return (model.baseURL + "/chat/completions", try encoder.encode(body))
        case .completions(let renderer):
            let stops = request.stopStrings + renderer.endOfTurn
            var body = CompletionRequest(
                model: modelName, prompt: renderer.render(messages) + assistantText, stream: true, temperature: request.temperature,
                maxTokens: request.maximumTokens, stop: stops.isEmpty ? nil : stops, seed: seed,
                logprobs: request.alternatives > 0 ? request.alternatives : (request.logProbabilities ? 1 : nil))
            body.streamOptions = StreamOptions(includeUsage: true)
            return (model.baseURL + "/completions", try encoder.encode(body))
        }
    }

    private static func role(_ role: Message.Role) -> ChatCompletionMessage.Role {
        switch role {
        case .system: .system
        case .user: .user
        case .assistant: .assistant
        case .tool: .tool
        }
    }
}
