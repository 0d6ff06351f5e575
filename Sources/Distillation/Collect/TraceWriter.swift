import Foundation

/// Why traces cannot be written.
public enum TraceWriterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be created (no such folder, no permission, a folder of that name).
    case cannotCreate(path: String, reason: String)
    /// Writing a line failed (disk full, file removed).
    case cannotWrite(path: String, reason: String)

    /// The problem as the user reads it.
    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): "cannot write the traces to \(path): \(reason); choose another --out"
        case .cannotWrite(let path, let reason): "writing a trace to \(path) failed: \(reason)"
        }
    }
}

/// Writes traces to a JSONL file, one line each, as they come: each line goes to the
/// file before `write` returns, so an interrupted collection keeps every trace written.
/// The file is what `ponder train --data` reads.
public final class TraceWriter {
    /// Where the traces go.
    public let path: String
    private let handle: FileHandle
    /// Lines written so far.
    public private(set) var count = 0

    /// Creates (or empties) the file at `path`.
    public init(path: String) throws(TraceWriterError) {
        self.path = path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw .cannotCreate(path: path, reason: "it is a folder")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw .cannotCreate(path: path, reason: "the folder \(folder) does not exist")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw .cannotCreate(path: path, reason: "permission denied")
        }
        self.handle = handle
    }

    deinit {
        try? handle.close()
    }

    /// Appends `trace` as one line.
    public func write(_ trace: TrainingTrace) throws(TraceWriterError) {
        do {
            try handle.write(contentsOf: Data((try trace.jsonLine() + "\n").utf8))
        } catch {
            throw .cannotWrite(path: path, reason: error.localizedDescription)
        }
        count += 1
    }
}
