import Foundation
import Logging
import MCP
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The MCP streamable-HTTP transport as a client that posts each message and reads
/// the whole reply: a JSON body, or an event stream (`text/event-stream`) whose
/// `data:` payloads are the messages. (The SDK's `HTTPClientTransport` passes an
/// event stream on Linux as one undecodable message.) The server's `Mcp-Session-Id`
/// is sent back with every later request and the session deleted on disconnect.
/// No standing GET stream: a server's own requests and notifications between calls
/// are not received.
actor HTTPPostTransport: Transport {
    nonisolated let logger = Logger(label: "ponder.mcp.http", factory: { _ in SwiftLogNoOpLogHandler() })
    private let endpoint: URL
    private let session: URLSession
    private let requestTimeout: TimeInterval
    private var sessionID: String?
    private var protocolVersion: String?
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation

    /// A transport posting to `endpoint`; one request may take `requestTimeout` seconds.
    init(endpoint: URL, requestTimeout: TimeInterval) {
        self.endpoint = endpoint
        self.requestTimeout = requestTimeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = requestTimeout
        session = URLSession(configuration: configuration)
        (messages, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    func connect() async throws {}

    func disconnect() async {
        // Ended with an error, so the client's reading loop stops rather than reads again.
        continuation.finish(throwing: MCPClientError.serverExited(server: endpoint.absoluteString, detail: "the connection was closed"))
        guard let sessionID else { return }
        var request = URLRequest(url: endpoint, timeoutInterval: 2)
        request.httpMethod = "DELETE"
        request.setValue(sessionID, forHTTPHeaderField: "Mcp-Session-Id")
        _ = try? await session.data(for: request)
        self.sessionID = nil
    }

    func send(_ data: Data) async throws {
        var request = URLRequest(url: endpoint, timeoutInterval: requestTimeout)
        request.httpMethod = "POST"
        request.httpBody = data
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json, text/event-stream", forHTTPHeaderField: "Accept")
        if let sessionID { request.setValue(sessionID, forHTTPHeaderField: "Mcp-Session-Id") }
        if let protocolVersion { request.setValue(protocolVersion, forHTTPHeaderField: "MCP-Protocol-Version") }
        let (body, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else {
            throw MCPClientError.protocolFailure(server: endpoint.absoluteString, detail: "the reply is not HTTP")
        }
        if let id = http.value(forHTTPHeaderField: "Mcp-Session-Id") { sessionID = id }
        guard (200..<300).contains(http.statusCode) else {
            let text = String(decoding: body.prefix(300), as: UTF8.self)
            throw MCPClientError.protocolFailure(
                server: endpoint.absoluteString, detail: "HTTP \(http.statusCode)" + (text.isEmpty ? "" : ": " + text))
        }
        let type = http.value(forHTTPHeaderField: "Content-Type")?.lowercased() ?? ""
        let replies = type.contains("text/event-stream") ? Self.eventPayloads(body) : (body.isEmpty ? [] : [body])
        for reply in replies {
            rememberProtocolVersion(reply)
            continuation.yield(reply)
        }
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, any Error> {
        messages
    }

    /// The `data:` payloads of an event stream, one per event.
    static func eventPayloads(_ body: Data) -> [Data] {
        var payloads: [Data] = []
        var lines: [Substring] = []
        let text = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) + [""] {
            if line.isEmpty {
                if !lines.isEmpty { payloads.append(Data(lines.joined(separator: "\n").utf8)) }
                lines = []
            } else if line.hasPrefix("data:") {
                var payload = line.dropFirst(5)
                if payload.first == " " { payload = payload.dropFirst() }
                lines.append(payload)
            }
        }
        return payloads
    }

    /// The version the server chose in its `initialize` reply, sent with later requests.
    private func rememberProtocolVersion(_ reply: Data) {
        guard protocolVersion == nil,
            let object = try? JSONSerialization.jsonObject(with: reply) as? [String: Any],
            let result = object["result"] as? [String: Any], let version = result["protocolVersion"] as? String
        else { return }
        protocolVersion = version
    }
}
