import Foundation
import Hummingbird
import NIOCore
import OpenAIAPI

/// JSON and server-sent-event bodies in the API's conventions.
enum HTTPResponses {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// `value` as compact JSON text.
    static func jsonText(_ value: some Encodable) -> String {
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            // Only the server's own value types are encoded here; they always encode.
            return #"{"error": {"message": "the server could not encode its response", "type": "server_error"}}"#
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: jsonText(value))))
    }

    /// `response`, saying the connection ends after it: a request that watched for its
    /// client leaving (`consumeWithCancellationOnInboundClose`) cannot keep the
    /// connection for another, and a client told so does not try.
    static func closing(_ response: Response) -> Response {
        var response = response
        response.headers[.connection] = "close"
        return response
    }

    static func error(_ error: APIError) -> Response {
        var response = json(error.body, status: HTTPResponse.Status(code: error.status))
        if error.status == 401 { response.headers[.wwwAuthenticate] = "Bearer" }
        if error.status == 503 { response.headers[.retryAfter] = "1" }
        return response
    }

    /// A streaming response of server-sent events: `produce` sends them through its
    /// writer. When the client goes away (its side of the connection closes, or a
    /// write fails), `produce` is cancelled.
    static func eventStream(
        requestBody: RequestBody, _ produce: @escaping @Sendable (_ events: EventWriter) async throws -> Void
    ) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .connection: "close"],
            body: ResponseBody { writer in
                try await requestBody.consumeWithCancellationOnInboundClose { _ in
                    let events = EventWriter()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            defer { events.finish() }
                            try await produce(events)
                        }
                        for await text in events.stream {
                            try await writer.write(ByteBuffer(string: text))
                        }
                        try await group.waitForAll()
                    }
                }
                try await writer.finish(nil)
            })
    }
}

/// Hands events from the producing task to the one writing the response.
final class EventWriter: Sendable {
    let stream: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream()
    }

    /// Sends one event with `value` as its JSON data.
    func send(_ value: some Encodable) {
        continuation.yield(ServerSentEvents.event(HTTPResponses.jsonText(value)))
    }

    /// Sends the final `[DONE]` event.
    func done() {
        continuation.yield(ServerSentEvents.event(ServerSentEvents.done))
    }

    func finish() {
        continuation.finish()
    }
}
