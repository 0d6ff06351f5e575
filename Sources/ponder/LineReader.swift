import Foundation

/// Lines of standard input, read on a thread of their own so that waiting for the
/// person never holds a cooperative thread.
enum LineReader {
    /// Each line without its newline; the stream ends at end of input (Ctrl-D).
    static func lines() -> AsyncStream<String> {
        AsyncStream { continuation in
            let thread = Thread {
                while let line = readLine(strippingNewline: true) {
                    continuation.yield(line)
                }
                continuation.finish()
            }
            thread.start()
        }
    }
}
