import Agent
import Foundation
import Hummingbird
import HummingbirdCore
import Inference
import InferenceAdapter
import Logging
import NIOCore
import OpenAIAPI

/// `ponder serve`: the local engine and the planner behind the OpenAI HTTP API, and
/// a web page to chat with the agent (`WebPage`).
///
/// - `GET /v1/models` lists the model file's name, `ponder` (the same engine) and
///   `ponder-agent` (the planner with Ponder's tools, run on the server).
/// - `POST /v1/chat/completions` and `POST /v1/completions`, streaming (server-sent
///   events) or not, with `temperature`, `top_p`, `max_tokens`, `stop`, `seed`,
///   `logprobs` and, for chats, `tools` / `tool_calls`.
///
/// One request uses the model at a time, in order of arrival; a bounded number wait
/// and the next is refused with 503. A client that disconnects stops its generation.
/// Every refusal is a 4xx/5xx with an OpenAI-style error body.
///
/// Hardening: requests with a foreign `Host` or `Origin`, or a POST body not declared
/// JSON, are refused before anything runs (`HostPolicy`); connections are capped
/// and slow or idle ones closed (`LimitedHTTP1Channel`).
public final class OpenAIServer: Sendable {
    /// What the server was started with: address, limits, key, model names, agent options.
    public let configuration: ServerConfiguration
    let engine: ServedEngine
    let planningModel: LocalLanguageModel
    let prompts: PromptLibrary
    let admission: AdmissionQueue
    let names: ModelNames
    let started = Int(Date().timeIntervalSince1970)
    let hostPolicy: HostPolicy
    /// The open connections, against `configuration.maximumConnections`.
    let connections: ConnectionCount

    /// A server for `model`: `planningModel` is the same model as the planner's
    /// `LanguageModel` (for `ponder-agent`), `prompts` the prompt files.
    public init(model: Model, planningModel: LocalLanguageModel, prompts: PromptLibrary, configuration: ServerConfiguration) {
        self.configuration = configuration
        engine = ServedEngine(model: model, contextLength: planningModel.contextLength, parallel: configuration.parallel)
        self.planningModel = planningModel
        self.prompts = prompts
        admission = AdmissionQueue(slots: configuration.parallel, capacity: configuration.queueCapacity)
        names = ModelNames(fileName: configuration.modelName)
        hostPolicy = HostPolicy(bindAddress: configuration.host, allowedHosts: configuration.allowedHosts, corsOrigins: configuration.corsOrigins)
        connections = ConnectionCount(maximum: configuration.maximumConnections)
    }

    /// Listens until the process is asked to stop (SIGINT, SIGTERM); `onListening`
    /// receives the bound address and port once requests are accepted.
    public func run(onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in }) async throws {
        var logger = Logger(label: "ponder.serve")
        logger.logLevel = .warning
        let configuration = self.configuration, connections = self.connections
        let application = Application(
            router: makeRouter(),
            server: HTTPServerBuilder { responder in
                LimitedHTTP1Channel(responder: responder, configuration: configuration, connections: connections)
            },
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "ponder"),
            onServerRunning: { channel in
                onListening(channel.localAddress?.ipAddress ?? "?", channel.localAddress?.port ?? 0)
            },
            logger: logger)
        try await application.runService()
    }

    /// The routes, behind the host, origin and content-type checks, then the error
    /// and key checks.
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestGuardMiddleware(policy: hostPolicy))
        router.add(middleware: ErrorBodyMiddleware())
        if let key = configuration.apiKey { router.add(middleware: APIKeyMiddleware(key: key)) }
        router.get("/v1/models") { _, _ in self.models() }
        router.post("/v1/chat/completions") { request, _ in try await self.chatCompletion(request) }
        router.post("/v1/completions") { request, _ in try await self.completion(request) }
        addWebPage(to: router)
        return router
    }

    func models() -> Response {
        HTTPResponses.json(ModelList(data: names.listed.map { ModelObject(id: $0, created: started, ownedBy: "ponder") }))
    }

    /// The body of `request` as JSON of type `T`; too large a body is a 413.
    func decodeBody<T: Decodable>(_ type: T.Type, of request: inout Request) async throws -> T {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maximumBodyBytes {
            throw APIError.bodyTooLarge(limit: configuration.maximumBodyBytes)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: configuration.maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            // A body without a length (chunked) that grew past the limit.
            throw APIError.bodyTooLarge(limit: configuration.maximumBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.bodyTooLarge(limit: configuration.maximumBodyBytes)
        }
        return try RequestDecoding.decode(type, from: Data(buffer.readableBytesView))
    }

    /// What a request's `model` names; an unknown name is a 404.
    func kind(of model: String) throws(APIError) -> ModelNames.Kind {
        guard let kind = names.kind(of: model) else { throw .unknownModel(model, available: names.listed) }
        return kind
    }

    /// A fresh id of the form `prefix-…`.
    static func newID(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24))"
    }
}

/// Turns every error into an OpenAI-style body: the server's own `APIError`s, the
/// framework's (unknown route, body too large) and anything unexpected (500).
struct ErrorBodyMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return HTTPResponses.error(error)
        } catch let error as HTTPError {
            switch error.status {
            case .notFound, .methodNotAllowed:
                return HTTPResponses.error(.notFound(method: request.method.rawValue, path: request.uri.path))
            case .contentTooLarge:
                return HTTPResponses.error(APIError(
                    status: 413, type: "invalid_request_error", message: "the request body is too large", code: "request_too_large"))
            default:
                let message = error.body ?? error.status.reasonPhrase
                return HTTPResponses.error(APIError(status: Int(error.status.code), type: "invalid_request_error", message: message))
            }
        } catch is NIOTooManyBytesError {
            return HTTPResponses.error(APIError(
                status: 413, type: "invalid_request_error", message: "the request body is too large", code: "request_too_large"))
        } catch is CancellationError {
            // The client left; nobody reads this.
            return HTTPResponses.error(APIError(status: 499, type: "cancelled", message: "the request was cancelled"))
        } catch {
            return HTTPResponses.error(.server("the server failed: \(error)"))
        }
    }
}

/// Refuses requests without `Authorization: Bearer <key>` (401), except for the web
/// page's own files, which hold no data: the page asks for the key and sends it.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let key: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .get, WebPage.publicPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization] else { throw APIError.missingKey }
        let prefix = "Bearer "
        guard header.hasPrefix(prefix), Self.constantTimeEqual(String(header.dropFirst(prefix.count)), key) else {
            throw APIError.wrongKey
        }
        return try await next(request, context)
    }

    /// Compares without stopping at the first difference, so timing tells nothing.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        var difference = UInt8(left.count == right.count ? 0 : 1)
        for index in 0..<max(left.count, right.count) {
            difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
        }
        return difference == 0
    }
}
