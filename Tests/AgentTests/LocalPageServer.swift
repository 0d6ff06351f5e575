import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One page served on 127.0.0.1 (a free port) by a thread of the test process, for
/// the planner's end-to-end tests with the real fetcher. Every request gets the page.
final class LocalPageServer: @unchecked Sendable {
    private let listener: Int32
    /// "127.0.0.1:PORT", the fetcher's allowlist entry for this server.
    let endpoint: String
    /// The page's address.
    let url: String

    init(body: String, contentType: String) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(listener, raw, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, raw, &length) == 0
            }
        }
        guard bound else { close(listener); throw POSIXError(.EADDRNOTAVAIL) }
        self.listener = listener
        endpoint = "127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
        url = "http://\(endpoint)/page"
        let response = Array("HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8)
        // The accept thread owns the socket and closes it once accept fails (after
        // deinit's shutdown), so its number cannot be reused while the thread runs.
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else {
                    close(listener)
                    return
                }
                var buffer = [UInt8](repeating: 0, count: 8192)
                _ = recv(client, &buffer, buffer.count, 0)
                _ = response.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
    }
}
