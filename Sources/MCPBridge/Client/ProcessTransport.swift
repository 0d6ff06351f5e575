import Foundation
import Logging
import MCP

/// The MCP stdio transport over a `ServerProcess`: messages are lines on the
/// server's standard input and output.
///
/// Unlike the SDK's `StdioTransport` (which serves a process's own standard streams)
/// it reads on a thread of its own, and when the server's output ends its message
/// stream ends with an error and `onClose` runs, so that a call waiting for a reply
/// from a server that died is answered at once.
actor ProcessTransport: Transport {
    nonisolated let logger = Logger(label: "ponder.mcp.client", factory: { _ in SwiftLogNoOpLogHandler() })
    private let process: ServerProcess
    private let onClose: @Sendable () -> Void
    private var stream: AsyncThrowingStream<Data, any Error>?

    /// A transport to `process`; `onClose` runs once its output has ended.
    init(process: ServerProcess, onClose: @escaping @Sendable () -> Void) {
        self.process = process
        self.onClose = onClose
    }

    func connect() async throws {}

    func disconnect() async {}

    func send(_ data: Data) async throws {
        try await process.send(data)
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        if let stream { return stream }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
        let lines = process.lines
        let process = self.process
        let onClose = self.onClose
        Task {
            for await line in lines { continuation.yield(line) }
            continuation.finish(throwing: MCPClientError.serverExited(server: process.commandLine.program, detail: "its output closed"))
            onClose()
        }
        self.stream = stream
        return stream
    }
}
