import Agent
import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// A model served elsewhere behind the OpenAI API (ponder serve, llama.cpp's
/// server, Ollama, vLLM) as the planner's `LanguageModel`.
///
/// Sessions keep their context as messages plus the assistant's text so far and
/// send it whole with each generation (the server may reuse its cache for the
/// common prefix; nothing is shared between forks). Text streams as the server
/// writes it. There is no vocabulary, so token constraints are not applied.
/// Log-probabilities and the most likely next tokens (`GenerationRequest.alternatives`,
/// which deliberate mode's value prompts read) come from `logprobs` / `top_logprobs`
/// when the server gives them, and are empty when it does not.
public final class RemoteLanguageModel: LanguageModel {
    /// The API's base URL, e.g. `http://127.0.0.1:8080/v1`.
    public let baseURL: String
    /// The model name sent with each request; nil asks the server (`GET /models`)
    /// on first use and takes the first it lists.
    public let apiModel: String?
    private let resolvedModel = Mutex<String?>(nil)
    /// Sent as a bearer token with each request; nil sends none.
    public let apiKey: String?
    /// Chat completions, or text completions with a prompt rendered here.
    public let endpoint: RemoteEndpoint
    /// The tool-call format the served model was trained on, as given; nil if unknown.
    public let nativeToolCallFormat: ToolCallFormat?
    /// Seconds the server may stay silent (connecting, before the first token, between tokens).
    public let timeout: Int
    let client: HTTPClient

    /// The model name given, else the one the server listed, else the base URL.
    public var name: String { apiModel ?? resolvedModel.withLock { $0 } ?? "the model at \(baseURL)" }
    /// Always nil: a remote model's tokens cannot be constrained.
    public var vocabulary: TokenVocabulary? { nil }

    /// The model behind the OpenAI API at `baseURL` (trailing slashes dropped); throws
    /// when that is not an http or https URL with a host. Sends no request.
    public init(
        baseURL: String, apiModel: String? = nil, apiKey: String? = nil, endpoint: RemoteEndpoint = .chat,
        toolCallFormat: ToolCallFormat? = nil, timeout: Int = 120
    ) throws(RemoteModelError) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw .invalidBaseURL(baseURL)
        }
        self.baseURL = base
        self.apiModel = apiModel
        self.apiKey = apiKey
        self.endpoint = endpoint
        nativeToolCallFormat = toolCallFormat
        self.timeout = timeout
        client = Self.client(timeout: timeout)
    }

    /// One client per timeout for the whole process, like `HTTPClient.shared`: it
    /// lives as long as the process, so nobody has to shut it down.
    private static let clients = Mutex<[Int: HTTPClient]>([:])

    private static func client(timeout: Int) -> HTTPClient {
        clients.withLock { clients in
            if let client = clients[timeout] { return client }
            var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(Int64(min(timeout, 30))), read: .seconds(Int64(timeout))))
            // A refused connection is reported at once, not retried until the timeout.
            configuration.connectionPool.retryConnectionEstablishment = false
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[timeout] = client
            return client
        }
    }

    /// A new, empty session.
    public func makeSession() async throws -> any LanguageModelSession {
        RemoteSession(model: self)
    }

    /// The model name for requests: the one given, else the first the server lists.
    public func modelName() async throws -> String {
        if let apiModel { return apiModel }
        if let known = resolvedModel.withLock({ $0 }) { return known }
        guard let first = try await listModels().first else {
            throw RemoteModelError.malformedResponse(url: baseURL + "/models", detail: "the server lists no models; name one with --api-model")
        }
        resolvedModel.withLock { $0 = first }
        return first
    }

    /// The names the server lists at `GET /models`.
    public func listModels() async throws -> [String] {
        let url = baseURL + "/models"
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        authorize(&request)
        let response = try await send(request, url: url)
        let body = try await collect(response, url: url)
        struct List: Decodable {
            struct Model: Decodable { let id: String }
            let data: [Model]
        }
        guard let list = try? JSONDecoder().decode(List.self, from: body) else {
            throw RemoteModelError.malformedResponse(url: url, detail: "expected {\"data\": [{\"id\": …}]}")
        }
        return list.data.map(\.id)
    }

    // MARK: - HTTP

    func authorize(_ request: inout HTTPClientRequest) {
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
    }

    /// Sends `request`; an error status becomes `RemoteModelError.status` with the
    /// server's message.
    func send(_ request: HTTPClientRequest, url: String) async throws -> HTTPClientResponse {
        var response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: .now() + .hours(24))
        } catch where Self.isClosedConnection(error) {
            // A kept-alive connection the server had closed: nothing was processed, so
            // the request is sent once more on a new one.
            do {
                response = try await client.execute(request, deadline: .now() + .hours(24))
            } catch {
                throw describe(error, url: url)
            }
        } catch {
            throw describe(error, url: url)
        }
        guard (200..<300).contains(response.status.code) else {
            let body = (try? await collect(response, url: url)) ?? Data()
            throw RemoteModelError.status(url: url, code: Int(response.status.code), message: Self.errorMessage(body) ?? response.status.reasonPhrase)
        }
        return response
    }

    func collect(_ response: HTTPClientResponse, url: String) async throws -> Data {
        do {
            let buffer = try await response.body.collect(upTo: 16 << 20)
            return Data(buffer.readableBytesView)
        } catch {
            throw describe(error, url: url)
        }
    }

    static func isClosedConnection(_ error: any Error) -> Bool {
        if let client = error as? HTTPClientError, client == .remoteConnectionClosed { return true }
        if let channel = error as? ChannelError, channel == .ioOnClosedChannel { return true }
        return false
    }

    /// The message of an OpenAI-style error body (or the body's text).
    static func errorMessage(_ body: Data) -> String? {
        struct Envelope: Decodable {
            struct Detail: Decodable { let message: String }
            let error: Detail
        }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: body) { return envelope.error.message }
        let text = String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    func describe(_ error: any Error, url: String) -> any Error {
        if error is CancellationError || error is RemoteModelError { return error }
        if let client = error as? HTTPClientError {
            switch client {
            case .readTimeout, .deadlineExceeded: return RemoteModelError.timedOut(url: url, seconds: timeout)
            case .connectTimeout: return RemoteModelError.unreachable(url: url, reason: "the connection timed out")
            case .cancelled: return CancellationError()
            default: return RemoteModelError.unreachable(url: url, reason: "\(client)")
            }
        }
        let text = "\(error)"
        if text.contains("refused") || text.contains("ECONNREFUSED") {
            return RemoteModelError.unreachable(url: url, reason: "connection refused")
        }
        return RemoteModelError.unreachable(url: url, reason: text)
    }
}
