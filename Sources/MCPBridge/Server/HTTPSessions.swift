import Foundation
import MCP

/// The sessions of `ponder mcp --http`: each client's `initialize` starts an MCP
/// server of its own on a `StatefulHTTPServerTransport` (the SDK's streamable HTTP
/// transport, which serves one session), and later requests go to the session their
/// `MCP-Session-Id` names. A DELETE ends a session; at most `maximumSessions` are open
/// (the one idle longest is closed to make room).
actor HTTPSessions {
    private struct Session {
        let server: Server
        let transport: StatefulHTTPServerTransport
        var lastUsed: ContinuousClock.Instant
    }

    private let makeServer: @Sendable () async -> Server
    private let maximumSessions: Int
    private var sessions: [String: Session] = [:]

    /// Sessions whose servers `makeServer` makes.
    init(maximumSessions: Int = 64, makeServer: @escaping @Sendable () async -> Server) {
        self.maximumSessions = maximumSessions
        self.makeServer = makeServer
    }

    /// The number of open sessions.
    var count: Int { sessions.count }

    /// Answers one request of the streamable HTTP transport.
    func handle(_ request: MCP.HTTPRequest) async -> MCP.HTTPResponse {
        let id = request.header(HTTPHeaderName.sessionID)
        if let id, var session = sessions[id] {
            session.lastUsed = .now
            sessions[id] = session
            let response = await session.transport.handleRequest(request)
            if request.method.uppercased() == "DELETE", response.statusCode == 200 { await close(id) }
            return response
        }
        if request.method.uppercased() == "POST", let body = request.body, Self.isInitialize(body) {
            return await start(request)
        }
        if id != nil { return .error(statusCode: 404, .invalidRequest("Not Found: no such session (it ended or the server restarted)")) }
        return .error(statusCode: 400, .invalidRequest("Bad Request: missing \(HTTPHeaderName.sessionID) header (send initialize first)"))
    }

    /// Ends every session.
    func closeAll() async {
        for id in Array(sessions.keys) { await close(id) }
    }

    private func start(_ request: MCP.HTTPRequest) async -> MCP.HTTPResponse {
        if sessions.count >= maximumSessions, let idlest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            await close(idlest)
        }
        let id = UUID().uuidString
        let transport = StatefulHTTPServerTransport(sessionIDGenerator: FixedSessionID(id: id), validationPipeline: Self.validation)
        let server = await makeServer()
        do {
            try await server.start(transport: transport)
        } catch {
            await transport.disconnect()
            return .error(statusCode: 500, .internalError("Internal error: the session could not start: \(error)"))
        }
        sessions[id] = Session(server: server, transport: transport, lastUsed: .now)
        let response = await transport.handleRequest(request)
        if case .error = response { await close(id) }
        return response
    }

    private func close(_ id: String) async {
        guard let session = sessions.removeValue(forKey: id) else { return }
        await session.server.stop()
    }

    /// The transport's checks but its Host and Origin one (`HostOriginGuard` has run
    /// before, with the rules of `ponder serve`).
    static let validation = StandardValidationPipeline(validators: [
        AcceptHeaderValidator(mode: .sseRequired), ContentTypeValidator(), ProtocolVersionValidator(), SessionValidator(),
    ])

    /// Whether `body` is a JSON-RPC `initialize` request.
    static func isInitialize(_ body: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
        return object["method"] as? String == Initialize.name && object["id"] != nil
    }
}

/// Gives the transport the session id the sessions table already uses.
private struct FixedSessionID: SessionIDGenerator {
    let id: String
    func generateSessionID() -> String { id }
}
