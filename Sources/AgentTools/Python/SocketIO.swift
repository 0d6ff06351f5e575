#if canImport(Glibc)
import Glibc
#endif

/// How waiting for a frame ended, on the host's side.
enum ReceiveOutcome: Equatable {
    case frame([UInt8])
    /// The other end closed the socket (the worker exited or closed it).
    case closed
    case deadlinePassed
    case cancelled
    /// Bytes that are not a frame, or a read error.
    case broken(String)
}

/// Frames over a Unix stream socket. Every call blocks its thread: the worker uses them
/// on its only thread, the host on threads of their own, never on the cooperative pool.
enum SocketIO {
    /// Sends all of `bytes`; false if the other end is gone. MSG_NOSIGNAL: a closed peer
    /// is an error here, not a SIGPIPE that would end the whole process.
    static func sendAll(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = send(socket, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += sent
            }
            return true
        }
    }

    /// The next frame's body, waiting as long as it takes; nil when the socket is closed
    /// (or fails) before a whole frame arrived.
    static func receiveBlocking(_ socket: Int32, buffer: inout FrameBuffer) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            do {
                if let frame = try buffer.nextFrame() { return frame }
            } catch {
                return nil
            }
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            chunk.withUnsafeBytes { buffer.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }

    /// The next frame's body, or why none came: the socket closed, `deadline` passed, or
    /// `isCancelled` turned true (checked at least every 50 ms).
    static func receive(
        _ socket: Int32, buffer: inout FrameBuffer, deadline: ContinuousClock.Instant, isCancelled: () -> Bool
    ) -> ReceiveOutcome {
        let clock = ContinuousClock()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            do {
                if let frame = try buffer.nextFrame() { return .frame(frame) }
            } catch {
                return .broken("a frame of \(error.length) bytes")
            }
            if isCancelled() { return .cancelled }
            let remaining = deadline - clock.now
            if remaining <= .zero { return .deadlinePassed }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(milliseconds(remaining) + 1, 50)))
            if ready < 0 && errno != EINTR { return .broken("poll failed (errno \(errno))") }
            guard ready > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count == 0 { return .closed }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
                return errno == ECONNRESET ? .closed : .broken("recv failed (errno \(errno))")
            }
            chunk.withUnsafeBytes { buffer.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }

    /// Capped at a million seconds, so the count always fits poll()'s Int32.
    private static func milliseconds(_ duration: Duration) -> Int {
        Int(min(duration, .seconds(1_000_000)).wholeMilliseconds)
    }
}
