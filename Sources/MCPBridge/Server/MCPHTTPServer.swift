import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCP
import NIOCore

/// `ponder mcp --http`: the MCP server over streamable HTTP at `/mcp` (POST for
/// messages, GET for the server's stream, DELETE to end a session), one MCP session
/// per client. Requests pass the `HostOriginGuard` (the rules of `ponder serve`)
/// before anything else.
public struct MCPHTTPServer: Sendable {
    /// Where it listens and whom it answers.
    public struct Configuration: Sendable {
        /// The address to bind (127.0.0.1 by default).
        public var host: String
        /// The port (0: any free port).
        public var port: Int
        /// Extra names the `Host` header may give (`*`: any).
        public var allowedHosts: [String]
        /// Web origins allowed to call from a browser.
        public var corsOrigins: [String]
        /// The largest request body accepted, in bytes.
        public var maximumBodyBytes: Int

        /// A configuration for `host`:`port`.
        public init(host: String = "127.0.0.1", port: Int, allowedHosts: [String] = [], corsOrigins: [String] = [], maximumBodyBytes: Int = 4 << 20) {
            self.host = host
            self.port = port
            self.allowedHosts = allowedHosts
            self.corsOrigins = corsOrigins
            self.maximumBodyBytes = maximumBodyBytes
        }
    }

    /// The endpoint's path.
    public static let path = "/mcp"

    /// The tools served.
    public let served: PonderMCPServer
    /// Where and for whom.
    public let configuration: Configuration

    /// A server of `served`'s tools as `configuration` says.
    public init(served: PonderMCPServer, configuration: Configuration) {
        self.served = served
        self.configuration = configuration
    }

    /// Listens until the process is asked to stop (SIGINT, SIGTERM), then ends every
    /// session; `onListening` gets the bound address and port once requests are accepted.
    public func run(onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in }) async throws {
        let served = self.served
        let sessions = HTTPSessions { await served.makeServer() }
        var logger = Logger(label: "ponder.mcp")
        logger.logLevel = .warning
        let application = Application(
            router: makeRouter(sessions: sessions),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "ponder"),
            onServerRunning: { channel in
                onListening(channel.localAddress?.ipAddress ?? "?", channel.localAddress?.port ?? 0)
            },
            logger: logger)
        // A client's GET stream stays open as long as its session: the sessions end at
        // the stop signal too, or the graceful shutdown would wait for them for ever.
        let stopSignals = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { Task { await sessions.closeAll() } }
            source.resume()
            return source
        }
        defer { stopSignals.forEach { $0.cancel() } }
        try await application.runService()
        await sessions.closeAll()
    }

    /// The `/mcp` routes behind the guard.
    func makeRouter(sessions: HTTPSessions) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let guardRules = HostOriginGuard(
            bindAddress: configuration.host, allowedHosts: configuration.allowedHosts, corsOrigins: configuration.corsOrigins)
        let limit = configuration.maximumBodyBytes
        for method in [HTTPTypes.HTTPRequest.Method.post, .get, .delete, .options] {
            router.on(RouterPath(stringLiteral: Self.path), method: method) { request, _ in
                let origin = request.headers[.origin]
                if let refusal = guardRules.refusal(host: request.head.authority, origin: origin) {
                    return Self.response(refusal)
                }
                let corsOrigin = guardRules.corsOrigin(for: origin)
                if request.method == .options {
                    return Self.preflight(request, origin: corsOrigin)
                }
                var request = request
                let body: ByteBuffer
                do {
                    body = try await request.collectBody(upTo: limit)
                } catch {
                    return Self.response(.error(statusCode: 413, .invalidRequest("Payload Too Large: bodies may have at most \(limit) bytes")))
                }
                return Self.marked(Self.response(await sessions.handle(Self.mcpRequest(request, body: body))), corsOrigin: corsOrigin)
            }
        }
        return router
    }

    /// The headers a browser page may send and read (the transport's own).
    static let corsRequestHeaders = "Content-Type, Accept, Authorization, MCP-Session-Id, MCP-Protocol-Version, Last-Event-ID"

    /// The answer to a CORS preflight: the methods and headers, for an origin `--cors`
    /// gave; 405 for any other OPTIONS request.
    static func preflight(_ request: Request, origin: String?) -> Response {
        guard let origin, request.headers[.accessControlRequestMethod] != nil else {
            return response(.error(statusCode: 405, .invalidRequest("Method Not Allowed"), extraHeaders: [HTTPHeaderName.allow: "GET, POST, DELETE"]))
        }
        let headers: HTTPFields = [
            .accessControlAllowOrigin: origin, .vary: "Origin", .accessControlAllowMethods: "GET, POST, DELETE",
            .accessControlAllowHeaders: corsRequestHeaders, .accessControlMaxAge: "600",
        ]
        return Response(status: .noContent, headers: headers)
    }

    /// `response` readable by a page of `corsOrigin` (the session id header too), if given.
    static func marked(_ response: Response, corsOrigin: String?) -> Response {
        guard let corsOrigin else { return response }
        var marked = response
        marked.headers[.accessControlAllowOrigin] = corsOrigin
        marked.headers[.accessControlExposeHeaders] = HTTPHeaderName.sessionID
        marked.headers[.vary] = "Origin"
        return marked
    }

    /// Hummingbird's request as the SDK's: the method, the headers (the `Host` too,
    /// which HTTP types keep as the authority), the body.
    static func mcpRequest(_ request: Request, body: ByteBuffer) -> MCP.HTTPRequest {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        if let authority = request.head.authority { headers[HTTPHeaderName.host] = authority }
        let data = body.readableBytes > 0 ? Data(body.readableBytesView) : nil
        return MCP.HTTPRequest(method: request.method.rawValue, headers: headers, body: data, path: request.uri.path)
    }

    /// The SDK's response as Hummingbird's; an SSE stream is written as it comes.
    static func response(_ response: MCP.HTTPResponse) -> Response {
        var headers = HTTPFields()
        for (name, value) in response.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let status = HTTPTypes.HTTPResponse.Status(code: response.statusCode)
        switch response {
        case .stream(let stream, _):
            return Response(status: status, headers: headers, body: ResponseBody { writer in
                for try await chunk in stream { try await writer.write(ByteBuffer(bytes: chunk)) }
                try await writer.finish(nil)
            })
        default:
            let body = response.bodyData.map { ResponseBody(byteBuffer: ByteBuffer(bytes: $0)) } ?? ResponseBody()
            return Response(status: status, headers: headers, body: body)
        }
    }
}
