import Foundation

// The conversation between the host and its Python worker, over one Unix socket (the
// worker's standard input). Every message is a frame: a 4-byte big-endian length, then
// that many bytes of UTF-8 JSON.
//
//   host → worker   WorkerSetup (once, right after the spawn), then WorkerRequest…
//   worker → host   WorkerReady (once, after start-up), then one WorkerReply per request

/// The limits and caps a worker applies to itself, sent once before it starts.
struct WorkerSetup: Codable, Sendable, Equatable {
    var addressSpaceBytes: UInt64
    var processes: UInt64
    var openFiles: UInt64
    var fileSizeBytes: UInt64
    var outputCharacters: Int
    var stopAfterCharacters: Int

    init(limits: PythonLimits) {
        addressSpaceBytes = limits.addressSpaceBytes
        processes = limits.processes
        openFiles = limits.openFiles
        fileSizeBytes = limits.fileSizeBytes
        outputCharacters = limits.outputCharacters
        stopAfterCharacters = limits.stopAfterCharacters
    }
}

/// The worker's first answer: ready, with the versions it loaded, or why it cannot start.
struct WorkerReady: Codable, Sendable, Equatable {
    var ok: Bool
    /// e.g. "Python 3.11.2, numpy 1.24.2, matplotlib 3.6.3".
    var versions: String?
    /// Why start-up failed (the Python traceback's last line, or a set-up error).
    var message: String?
    /// The isolation in force, as the worker found it.
    var sandbox: PythonSandboxStatus?
}

/// One thing for the worker to do.
struct WorkerRequest: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable {
        /// Run `code` in the session's namespace.
        case run
        /// Empty the namespace and close every figure.
        case reset
    }
    var kind: Kind
    var code: String?
    /// The working directory for the call, where figures are saved.
    var directory: String?
    /// CPU seconds the call may use.
    var cpuSeconds: Double?
    /// A random value the host makes for each request; the worker's reply carries it
    /// back. The worker's Swift half keeps it from the Python half, so that the code
    /// cannot write a reply of its own to the socket (one without it is refused).
    var token: String?
}

/// The frame a worker answers a request with: the request's token and the Python half's
/// reply (`WorkerReply` JSON), kept as it came.
struct WorkerReplyEnvelope: Decodable, Sendable {
    var token: String?
    var reply: WorkerReply

    /// The envelope's JSON, with `reply` (already JSON) inserted as it is.
    static func encode(token: String?, reply: String) -> [UInt8] {
        let tokenJSON = token.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? "null"
        return Array("{\"token\":\(tokenJSON),\"reply\":\(reply)}".utf8)
    }
}

/// What one request did: the worker's Python side builds this JSON.
struct WorkerReply: Codable, Sendable, Equatable {
    /// Standard output, its first `outputCharacters` characters.
    var stdout: String = ""
    /// How many characters of standard output were cut.
    var stdoutCut: Int = 0
    var stderr: String = ""
    var stderrCut: Int = 0
    /// `repr` of the value of a final expression statement, when it is not None.
    var value: String?
    /// The traceback of an exception the code raised (our own frames removed).
    var error: String?
    /// The exception's class name, e.g. "ZeroDivisionError", "SystemExit".
    var exceptionType: String?
    /// For SystemExit: the exit code as Python would print it (e.g. "0", "3", "'bye'").
    var exitCode: String?
    /// True when the code printed more than `stopAfterCharacters` and was stopped.
    var outputStopped: Bool = false
    /// Absolute paths of the figures saved, in order.
    var figures: [String] = []
    /// Why saving a figure failed, if it did.
    var figureError: String?
    /// A failure of the worker's own code (not the user's); reported as an error.
    var internalError: String?
}

/// Length-prefixed frames: encoding, and a reader that takes bytes as they arrive.
enum WorkerFrame {
    /// Frames above this are a protocol violation (replies are capped far below it).
    static let maximumLength = 64 << 20

    /// `message` as one frame: 4-byte big-endian length, then its JSON.
    static func encode<Message: Encodable>(_ message: Message) throws -> [UInt8] {
        frame(Array(try JSONEncoder().encode(message)))
    }

    /// `body` (JSON already) with its length in front.
    static func frame(_ body: [UInt8]) -> [UInt8] {
        let length = UInt32(body.count)
        return [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)]
            + body
    }

    static func decode<Message: Decodable>(_ type: Message.Type, from body: [UInt8]) throws -> Message {
        try JSONDecoder().decode(type, from: Data(body))
    }
}

/// Collects bytes from a stream and hands out complete frame bodies.
struct FrameBuffer {
    private var bytes: [UInt8] = []

    /// A frame announced a length over `WorkerFrame.maximumLength`.
    struct OversizedFrame: Error { let length: Int }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: chunk)
    }

    /// The next complete frame's body, or nil if it has not fully arrived.
    mutating func nextFrame() throws(OversizedFrame) -> [UInt8]? {
        guard bytes.count >= 4 else { return nil }
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard length <= WorkerFrame.maximumLength else { throw OversizedFrame(length: length) }
        guard bytes.count >= 4 + length else { return nil }
        let body = Array(bytes[4..<(4 + length)])
        bytes.removeFirst(4 + length)
        return body
    }

    /// Whether part of a frame is waiting for the rest.
    var isEmpty: Bool { bytes.isEmpty }
}
