import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hand-written HTTP over plain sockets to 127.0.0.1, for requests no client library
/// sends: a foreign Host, a browser's Origin, half a request line, a crowd of idle
/// connections. Every blocking call runs on a thread of its own.
enum RawHTTP {
    struct Reply: Sendable {
        let status: Int
        /// Header names lowercased.
        let headers: [String: String]
        let body: Data

        /// The OpenAI error object of the body, if it has one.
        var error: [String: Any]? {
            ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["error"] as? [String: Any]
        }

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The port of a base URL such as http://127.0.0.1:41234/v1.
    static func port(of baseURL: String) -> UInt16 {
        UInt16(URL(string: baseURL)?.port ?? 0)
    }

    /// A blocking socket connected to 127.0.0.1:`port`, with a receive timeout.
    static func connect(port: UInt16, receiveTimeout: Double = 30) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(socket)
            throw Failure(description: "connect: \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - receiveTimeout.rounded(.down)) * 1_000_000))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return socket
    }

    /// Sends all of `bytes`; false when the server has closed the connection.
    @discardableResult
    static func send(_ socket: Int32, _ bytes: Data) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// Reads one response (headers, then a body of Content-Length bytes, or up to
    /// the end of the connection).
    static func readReply(_ socket: Int32) throws -> Reply {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        func fill() -> Bool {
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { return false }
            data.append(contentsOf: buffer[0..<count])
            return true
        }
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd = data.range(of: separator)
        while headerEnd == nil {
            guard fill() else { throw Failure(description: "the connection ended before a response's headers: \(String(decoding: data, as: UTF8.self))") }
            headerEnd = data.range(of: separator)
        }
        let head = String(decoding: data[..<headerEnd!.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "no status line: \(head)") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[headerEnd!.upperBound...])
        if status == 204 || status == 304 || status < 200 {
            // No body, whatever the headers say.
            body = Data()
        } else if let length = headers["content-length"].flatMap(Int.init) {
            while body.count < length {
                let before = data.count
                guard fill() else { break }
                body.append(data[before...])
            }
            body = body.prefix(length)
        } else {
            while true {
                let before = data.count
                guard fill() else { break }
                body.append(data[before...])
            }
        }
        return Reply(status: status, headers: headers, body: body)
    }

    /// Sends `request` (its text as given: the test writes every header) and reads the reply.
    static func exchange(port: UInt16, _ request: String, timeout: Double = 60) async throws -> Reply {
        try await onThread {
            let socket = try connect(port: port, receiveTimeout: timeout)
            defer { close(socket) }
            guard send(socket, Data(request.utf8)) else { throw Failure(description: "the server closed before the request was sent") }
            return try readReply(socket)
        }
    }

    /// A request's text: the request line, `headers` in order, then `body`
    /// (Content-Length added unless a header says how the body is framed).
    static func request(_ method: String, _ path: String, headers: [(String, String)], body: String = "") -> String {
        var text = "\(method) \(path) HTTP/1.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        let framed = headers.contains { ["content-length", "transfer-encoding"].contains($0.0.lowercased()) }
        if !framed, !body.isEmpty || method == "POST" { text += "Content-Length: \(body.utf8.count)\r\n" }
        return text + "\r\n" + body
    }

    /// Seconds until the server ends the connection (EOF or reset), reading and
    /// dropping whatever it sends; nil if it is still open after `limit`.
    static func secondsUntilClosed(_ socket: Int32, limit: Double) -> Double? {
        let start = Date()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date().timeIntervalSince(start) < limit {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 50)
            guard ready > 0 else { continue }
            let count = recv(socket, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { return Date().timeIntervalSince(start) }
        }
        return nil
    }

    /// Runs `body` on a new thread (blocking socket calls stay off the cooperative pool).
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}

extension ServerProcess {
    /// CPU seconds (user + system) the server has used so far, from /proc.
    var cpuSeconds: Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ") ")
        else { return nil }
        // Fields after the command name: state is field 3; utime and stime are 14 and 15.
        let fields = stat[afterName.upperBound...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Open file descriptors of the server (its sockets among them), from /proc.
    var openDescriptors: Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// Resident memory of the server now (MiB), from /proc.
    var residentMiB: Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes / 1024
    }

    var port: UInt16 { RawHTTP.port(of: baseURL) }

    /// `Host: 127.0.0.1:PORT`, as a client of this server sends it.
    var ownHost: String { "127.0.0.1:\(port)" }
}
