import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import OpenAIAPI
import Synchronization

/// Hummingbird's HTTP/1 connections with a cap on how many are open and deadlines on
/// reading a request, so that idle or slow clients cannot hold the server's sockets:
///
/// - over `maximumConnections`, a new connection is answered 503 and closed at once;
/// - a request's headers must be complete `headerTimeout` after its first byte, and
///   its body `bodyTimeout` after its headers (a client trickling bytes is cut off);
/// - a connection silent for `idleTimeout` while the server waits for or reads a
///   request is closed (Hummingbird's idle timeout; never while a reply is written).
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let connections: ConnectionCount
    let headerTimeout: TimeAmount
    let bodyTimeout: TimeAmount

    init(responder: @escaping HTTPChannelHandler.Responder, configuration: ServerConfiguration, connections: ConnectionCount) {
        base = HTTP1Channel(
            responder: responder,
            configuration: .init(additionalChannelHandlers: [RequestProgress()], idleTimeout: TimeAmount(configuration.idleTimeout)))
        self.connections = connections
        headerTimeout = TimeAmount(configuration.headerTimeout)
        bodyTimeout = TimeAmount(configuration.bodyTimeout)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = connections.open()
        let connections = self.connections
        channel.closeFuture.whenComplete { _ in connections.close() }
        do {
            // First in the pipeline: it sees the raw bytes, before HTTP decoding.
            try channel.pipeline.syncOperations.addHandler(
                RequestDeadlines(admitted: admitted, headerTimeout: headerTimeout, bodyTimeout: bodyTimeout))
        } catch {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Open connections against a cap.
final class ConnectionCount: Sendable {
    let maximum: Int
    private let count = Atomic(0)

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Counts a new connection; false when it is over the cap (it still counts until closed).
    func open() -> Bool {
        count.wrappingAdd(1, ordering: .relaxed).newValue <= maximum
    }

    func close() {
        count.wrappingSubtract(1, ordering: .relaxed)
    }

    var current: Int { count.load(ordering: .relaxed) }
}

/// The first handler of a connection: refuses it when it is over the cap, and closes
/// it when a request's headers or body take too long. `RequestProgress`, after the
/// HTTP decoder, tells it where the request is.
final class RequestDeadlines: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum Phase { case waiting, readingHead, readingBody, answering }

    let admitted: Bool
    let headerTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    private(set) var phase = Phase.waiting
    private var deadline: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(admitted: Bool, headerTimeout: TimeAmount, bodyTimeout: TimeAmount) {
        self.admitted = admitted
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if !admitted, context.channel.isActive { refuse(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadline()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if !admitted { refuse(context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admitted else { return }
        if phase == .waiting {
            phase = .readingHead
            schedule(headerTimeout)
        }
        context.fireChannelRead(data)
    }

    /// The request's headers are in: its body has `bodyTimeout`.
    func headReceived() {
        phase = .readingBody
        schedule(bodyTimeout)
    }

    /// The whole request is in: no deadline while the server answers.
    func requestReceived() {
        phase = .answering
        cancelDeadline()
    }

    /// The answer is written: the next request's first byte starts its clock.
    func responseSent() {
        if phase == .answering { phase = .waiting }
    }

    private func schedule(_ timeout: TimeAmount) {
        cancelDeadline()
        guard let context else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            guard let self, let context = self.context else { return }
            self.deadline = nil
            context.close(promise: nil)
        }
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }

    /// Answers 503 with an OpenAI error body before any request, then closes.
    private func refuse(_ context: ChannelHandlerContext) {
        let body = HTTPResponses.jsonText(APIError.tooManyConnections.body)
        let text = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Retry-After: 1\r\nConnection: close\r\n\r\n" + body
        context.writeAndFlush(NIOAny(ByteBuffer(string: text))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

/// After the HTTP decoder: reports each request's headers, its end and the end of
/// its answer to the connection's `RequestDeadlines`.
final class RequestProgress: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var deadlines: RequestDeadlines?

    func handlerAdded(context: ChannelHandlerContext) {
        deadlines = try? context.pipeline.syncOperations.handler(type: RequestDeadlines.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadlines = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: deadlines?.headReceived()
        case .end: deadlines?.requestReceived()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { deadlines?.responseSent() }
        context.write(data, promise: promise)
    }
}
