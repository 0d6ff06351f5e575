import Foundation
import Hummingbird
import Logging
import NIOCore

/// Why the page server could not start.
public enum PageServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two pages share a file name.
    case duplicatePage(name: String)
    /// The server could not listen on 127.0.0.1.
    case cannotListen(reason: String)

    /// The problem as the user reads it.
    public var description: String {
        switch self {
        case .duplicatePage(let name):
            return "two curriculum pages are both named '\(name)'; generate the curriculum again with another seed"
        case .cannotListen(let reason):
            return "cannot serve the curriculum's pages on 127.0.0.1: \(reason)"
        }
    }
}

/// Serves the curriculum's generated pages on 127.0.0.1 at an ephemeral port, each at
/// `/<name>`, for as long as it runs; `stop()` ends it. Page questions hold `{base}`,
/// which `serving(_:)` replaces with this server's address.
public final class PageServer: Sendable {
    /// `http://127.0.0.1:PORT`, without a slash at the end.
    public let base: String
    private let task: Task<Void, any Error>

    private init(base: String, task: Task<Void, any Error>) {
        self.base = base
        self.task = task
    }

    /// Starts serving `pages` (the pages of the items that have one).
    public static func start(pages: [GeneratedPage]) async throws(PageServerError) -> PageServer {
        var byName: [String: String] = [:]
        for page in pages {
            guard byName[page.name] == nil || byName[page.name] == page.html else { throw .duplicatePage(name: page.name) }
            byName[page.name] = page.html
        }
        let router = Router(context: BasicRequestContext.self)
        let served = byName
        router.get("/:name") { _, context -> Response in
            guard let name = context.parameters.get("name"), let html = served[name] else {
                return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "no such page\n")))
            }
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        var logger = Logger(label: "ponder.distill.pages")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: "ponder-distill"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        // No shutdown signals of its own: Ctrl-C belongs to the command; stop() cancels it.
        let task = Task {
            defer { continuation.finish() }
            try await application.runService(gracefulShutdownSignals: [])
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            let reason: String
            switch await task.result {
            case .failure(let error): reason = String(describing: error)
            case .success: reason = "the server stopped before it listened"
            }
            throw .cannotListen(reason: reason)
        }
        return PageServer(base: "http://127.0.0.1:\(port)", task: task)
    }

    /// Starts serving the pages of `items` and returns the items with `{base}` filled in.
    public static func serving(_ items: [CurriculumItem]) async throws(PageServerError) -> (server: PageServer, items: [CurriculumItem]) {
        let server = try await start(pages: items.compactMap(\.page))
        return (server, items.map(server.filled))
    }

    /// `item` with `{base}` in its question replaced by this server's address.
    public func filled(_ item: CurriculumItem) -> CurriculumItem {
        var item = item
        item.question = item.question.replacingOccurrences(of: "{base}", with: base)
        return item
    }

    /// The address of the page called `name`.
    public func url(of name: String) -> String {
        base + "/" + name
    }

    /// Stops serving and waits until the server has closed.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}
