import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (never any other address), for the fetcher's
/// tests: a POSIX accept loop on a background thread, one thread per connection, one
/// request per connection. Routes are matched on the path without its query.
final class LocalHTTPServer: @unchecked Sendable {
    typealias Handler = @Sendable (_ request: Request, _ connection: Connection) -> Void

    struct Request: Sendable {
        let path: String
        let query: String
        let headers: String
    }

    /// The client socket; writes never raise SIGPIPE.
    struct Connection: Sendable {
        let socket: Int32

        /// False when the client has gone away.
        @discardableResult
        func write(_ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }

        @discardableResult
        func write(_ text: String) -> Bool { write(Array(text.utf8)) }

        /// A complete response with Content-Length, then the connection closes.
        func respond(_ status: String = "200 OK", headers: [String] = [], body: [UInt8]) {
            let head = (["HTTP/1.1 \(status)", "Content-Length: \(body.count)", "Connection: close"] + headers)
                .joined(separator: "\r\n") + "\r\n\r\n"
            write(Array(head.utf8) + body)
        }

        func respond(_ status: String = "200 OK", type: String, _ body: String) {
            respond(status, headers: ["Content-Type: \(type)"], body: Array(body.utf8))
        }
    }

    let port: Int
    private let listener: Int32
    private let routes: [String: Handler]

    init(routes: [String: Handler]) throws {
        self.routes = routes
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { close(listener); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = listener
        // The accept thread owns the listening socket and closes it when accept fails
        // (after deinit's shutdown). Closing it in deinit instead would free the
        // descriptor number while this thread may not have reached accept yet; a new
        // server could then get the same number and this thread would serve its
        // connections with the wrong routes.
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else {
                    close(listener)
                    return
                }
                Thread.detachNewThread { Self.serve(client, routes: routes) }
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    /// "http://127.0.0.1:PORT/path".
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// The allowlist entry for this server.
    var endpoint: String { "127.0.0.1:\(port)" }

    private static func serve(_ client: Int32, routes: [String: Handler]) {
        defer { close(client) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 65536 {
            let count = recv(client, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            received += buffer[0..<count]
            if received.count >= 4, received.suffix(4) == [13, 10, 13, 10] { break }
        }
        let head = String(decoding: received, as: UTF8.self)
        let target = head.split(separator: " ", maxSplits: 2).dropFirst().first.map(String.init) ?? "/"
        let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
        let request = Request(path: parts.first ?? "/", query: parts.count > 1 ? parts[1] : "", headers: head)
        let connection = Connection(socket: client)
        if let handler = routes[request.path] {
            handler(request, connection)
        } else {
            connection.respond("404 Not Found", type: "text/plain", "no such page")
        }
    }
}
