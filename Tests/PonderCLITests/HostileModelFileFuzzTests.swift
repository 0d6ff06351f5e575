import Foundation
import Synchronization
import Testing

/// A GGUF file split around its metadata, enough to replace or add one value and
/// write the file again: the tensor infos and data are copied unchanged (the data
/// re-aligned to the original alignment). Self-contained, so the fuzzer does not
/// trust the reader it attacks.
struct GGUFMetadataEditor {
    struct Entry {
        var key: String
        var type: UInt32
        /// The value as stored (after the type code).
        var payload: [UInt8]
    }

    struct Malformed: Error {}

    let version: UInt32
    let tensorCount: UInt64
    var entries: [Entry]
    let tensorInfos: [UInt8]
    let tensorData: [UInt8]
    let alignment: Int

    /// Fixed sizes of the scalar value types, by GGUF type code.
    static let scalarSizes: [UInt32: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]

    init(bytes: [UInt8]) throws {
        var offset = 4
        func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, offset + count <= bytes.count else { throw Malformed() }
            defer { offset += count }
            return bytes[offset..<(offset + count)]
        }
        func integer(_ count: Int) throws -> UInt64 {
            try take(count).reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        func skipValue(_ type: UInt32) throws {
            if let size = Self.scalarSizes[type] {
                _ = try take(size)
            } else if type == 8 {
                _ = try take(Int(try integer(8)))
            } else if type == 9 {
                let element = UInt32(try integer(4))
                for _ in 0..<(try integer(8)) { try skipValue(element) }
            } else {
                throw Malformed()
            }
        }
        guard bytes.starts(with: Array("GGUF".utf8)) else { throw Malformed() }
        version = UInt32(try integer(4))
        tensorCount = try integer(8)
        let keyCount = try integer(8)
        var entries: [Entry] = []
        var alignment = 32
        for _ in 0..<keyCount {
            let key = String(decoding: try take(Int(try integer(8))), as: UTF8.self)
            let type = UInt32(try integer(4))
            let start = offset
            try skipValue(type)
            entries.append(Entry(key: key, type: type, payload: Array(bytes[start..<offset])))
            if key == "general.alignment", type == 4 {
                alignment = max(1, Int(bytes[start..<(start + 4)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
            }
        }
        self.entries = entries
        let infosStart = offset
        for _ in 0..<tensorCount {
            _ = try take(Int(try integer(8)))
            let dimensions = Int(try integer(4))
            _ = try take(8 * dimensions + 4 + 8)
        }
        tensorInfos = Array(bytes[infosStart..<offset])
        let dataStart = (offset + alignment - 1) / alignment * alignment
        tensorData = Array(bytes[min(dataStart, bytes.count)...])
        self.alignment = alignment
    }

    /// The file with `key` set to `payload` of GGUF type `type` (added when absent).
    func bytes(setting key: String, type: UInt32, payload: [UInt8]) -> [UInt8] {
        var entries = entries
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index] = Entry(key: key, type: type, payload: payload)
        } else {
            entries.append(Entry(key: key, type: type, payload: payload))
        }
        var out = Array("GGUF".utf8)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { out += $0 } }
        append(version)
        append(tensorCount)
        append(UInt64(entries.count))
        for entry in entries {
            append(UInt64(entry.key.utf8.count))
            out += entry.key.utf8
            append(entry.type)
            out += entry.payload
        }
        out += tensorInfos
        while out.count % alignment != 0 { out.append(0) }
        return out + tensorData
    }
}

/// One hostile value for one key: how it is stored and how to name it.
struct HostileValue: Sendable {
    let label: String
    let type: UInt32
    let payload: [UInt8]

    static let integers: [(String, UInt64)] = [
        ("0", 0), ("1", 1), ("-1", UInt64(bitPattern: -1)), ("4096", 4096), ("2^31", 1 << 31), ("2^32-2", (1 << 32) - 2),
        ("2^63", 1 << 63),
    ]
    static let floats: [(String, Double)] = [
        ("0", 0), ("1", 1), ("-1", -1), ("2^31", 0x1p31), ("2^32-2", 0x1p32 - 2), ("2^63", 0x1p63),
        ("NaN", .nan), ("inf", .infinity), ("-inf", -.infinity),
    ]

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// The spread for a key of GGUF type `type`: each value in that type (integers
    /// cut to its width), then the integers that do not fit it as int64/uint64.
    static func spread(forType type: UInt32) -> [HostileValue] {
        var values: [HostileValue] = []
        switch type {
        case 6:
            values = floats.map { HostileValue(label: "\($0.0) as float32", type: 6, payload: littleEndian(Float($0.1).bitPattern)) }
        case 12:
            values = floats.map { HostileValue(label: "\($0.0) as float64", type: 12, payload: littleEndian($0.1.bitPattern)) }
        default:
            guard let size = GGUFMetadataEditor.scalarSizes[type], type != 7 else { return [] }
            let name = ["uint8", "int8", "uint16", "int16", "uint32", "int32"][safe: Int(type)] ?? (type == 10 ? "uint64" : "int64")
            for (label, bits) in integers {
                let payload = Array(littleEndian(bits).prefix(size))
                guard !values.contains(where: { $0.payload == payload }) else { continue }
                values.append(HostileValue(label: "\(label) as \(name)", type: type, payload: payload))
            }
            if size < 8 {
                values.append(HostileValue(label: "-1 as int64", type: 11, payload: littleEndian(Int64(-1))))
                values.append(HostileValue(label: "2^32-2 as uint64", type: 10, payload: littleEndian(UInt64(1 << 32) - 2)))
            }
            if type != 10 {
                values.append(HostileValue(label: "2^63 as uint64", type: 10, payload: littleEndian(UInt64(1) << 63)))
            }
        }
        return values
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// Runs `ponder` on model files with every numeric metadata key of the tiny fixtures
/// set to hostile values: `inspect` and `generate -n 2` must end with exit status 0, 1
/// or 2 and, when they fail, a message — never by a signal (a crash), never hang.
/// Strings the engine reads are set to terminal and bidirectional controls, which
/// must reach neither the messages nor inspect's report unescaped.
struct HostileModelFileFuzzTests {
    /// SentencePiece and byte-level vocabularies, one and two layers, float and
    /// block-quantized weights.
    static let fixtures = ["tiny-llama-bf16.gguf", "tiny-qwen2-f16.gguf", "tiny-llama-tied-q4_k_m.gguf"]
    /// Keys the fixtures lack but the engine reads: added with each hostile value.
    static func absentKeys(architecture: String) -> [(String, UInt32)] {
        [("\(architecture).attention.key_length", 4), ("\(architecture).attention.value_length", 4),
         ("\(architecture).rope.scaling.factor", 6), ("tokenizer.ggml.padding_token_id", 4),
         ("tokenizer.ggml.eot_token_id", 4), ("general.alignment", 4)]
    }
    /// A run taking longer than this is a hang.
    static let timeout: TimeInterval = 60

    struct Outcome: Sendable {
        let status: Int32
        let signalled: Bool
        let timedOut: Bool
        let standardError: String
        /// Kept only when asked for (inspect's report; generated text may be anything).
        let standardOutput: String
    }

    /// Runs the binary with its output in files (no pipe to fill) and a deadline.
    static func run(_ arguments: [String], executable: URL? = nil, keepOutput: Bool = false) throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory
        let errorURL = directory.appendingPathComponent("ponder-fuzz-\(UUID().uuidString).err")
        let outputURL = directory.appendingPathComponent("ponder-fuzz-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: errorURL)
            try? FileManager.default.removeItem(at: outputURL)
        }
        let process = Process()
        process.executableURL = executable ?? CommandLineTests.productsDirectory.appendingPathComponent("ponder")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "PONDER_MODEL")
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        process.standardOutput = keepOutput ? try FileHandle(forWritingTo: outputURL) : FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        let timedOut = finished.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        return Outcome(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            timedOut: timedOut, standardError: (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "",
            standardOutput: keepOutput ? (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" : "")
    }

    /// What is wrong with an outcome, or nil.
    static func problem(_ outcome: Outcome) -> String? {
        if outcome.timedOut { return "still running after \(Int(timeout)) s" }
        if outcome.signalled { return "killed by signal \(outcome.status)" }
        if ![0, 1, 2].contains(outcome.status) { return "exit status \(outcome.status)" }
        if outcome.status != 0 && outcome.standardError.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return "exit status \(outcome.status) without a message"
        }
        for (name, text) in [("message", outcome.standardError), ("report", outcome.standardOutput)]
        where text.unicodeScalars.contains(where: { $0 == "\u{1B}" || $0 == "\u{202E}" }) {
            return "a raw control character from the file in the \(name)"
        }
        return nil
    }

    struct Case: Sendable {
        let name: String
        let bytes: [UInt8]
    }

    static func cases() throws -> [Case] {
        var cases: [Case] = []
        for fixture in fixtures {
            let path = CommandLineTests.repositoryRoot
                .appendingPathComponent("Tests/InferenceTests/Fixtures/forward/\(fixture)").path
            let editor = try GGUFMetadataEditor(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            let architecture = editor.entries.first { $0.key == "general.architecture" }
                .map { String(decoding: $0.payload.dropFirst(8), as: UTF8.self) } ?? "llama"
            var keys = editor.entries.map { ($0.key, $0.type) }
            keys += absentKeys(architecture: architecture).filter { key in !keys.contains { $0.0 == key.0 } }
            for (key, type) in keys {
                for value in HostileValue.spread(forType: type) {
                    cases.append(Case(name: "\(fixture): \(key) = \(value.label)",
                                      bytes: editor.bytes(setting: key, type: value.type, payload: value.payload)))
                }
            }
            // Strings the engine shows or matches: terminal and bidirectional controls.
            let hostileText = Array("\u{1B}[31mllama\u{202E}\u{7}".utf8)
            for key in ["general.architecture", "general.name", "tokenizer.ggml.model", "tokenizer.ggml.pre",
                        "\(architecture).rope.scaling.type", "tokenizer.chat_template"] {
                cases.append(Case(name: "\(fixture): \(key) = ESC/RTL text", bytes: editor.bytes(
                    setting: key, type: 8, payload: HostileValue.littleEndian(UInt64(hostileText.count)) + hostileText)))
            }
            // Numeric arrays (token types, scores): the first element, in the array's type.
            for entry in editor.entries where entry.type == 9 && entry.payload.count > 12 {
                let elementType = UInt32(entry.payload[0]) | UInt32(entry.payload[1]) << 8
                guard let size = GGUFMetadataEditor.scalarSizes[elementType], entry.payload.count >= 12 + size else { continue }
                for value in HostileValue.spread(forType: elementType) where value.type == elementType {
                    var payload = entry.payload
                    payload.replaceSubrange(12..<(12 + size), with: value.payload)
                    cases.append(Case(name: "\(fixture): \(entry.key)[0] = \(value.label)",
                                      bytes: editor.bytes(setting: entry.key, type: 9, payload: payload)))
                }
            }
        }
        return cases
    }

    /// Work shared by the worker threads.
    final class Work: Sendable {
        let cases: [Case]
        let next = Mutex(0)
        let failures = Mutex<[String]>([])
        let directory: URL

        init(cases: [Case], directory: URL) {
            self.cases = cases
            self.directory = directory
        }

        func runAll(workers: Int) {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let index = next.withLock { value in
                        defer { value += 1 }
                        return value
                    }
                    guard index < cases.count else { return }
                    check(cases[index], index: index)
                }
            }
        }

        func check(_ item: Case, index: Int) {
            let url = directory.appendingPathComponent("case-\(index).gguf")
            defer { try? FileManager.default.removeItem(at: url) }
            do {
                try Data(item.bytes).write(to: url)
                for command in [["inspect", "--model", url.path], ["generate", "--model", url.path, "--prompt", "hi", "-n", "2"]] {
                    let outcome = try HostileModelFileFuzzTests.run(command, keepOutput: command[0] == "inspect")
                    if let problem = HostileModelFileFuzzTests.problem(outcome) {
                        failures.withLock { $0.append("\(item.name): ponder \(command[0]): \(problem)") }
                    }
                }
            } catch {
                failures.withLock { $0.append("\(item.name): \(error)") }
            }
        }
    }

    @Test("hostile numeric metadata never crashes inspect or generate")
    func fuzz() async throws {
        let cases = try Self.cases()
        #expect(cases.count > 400)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let work = Work(cases: cases, directory: directory)
        // The subprocesses are waited for on threads of their own, not the cooperative pool.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                work.runAll(workers: 2)
                continuation.resume()
            }
        }
        let failures = work.failures.withLock { $0 }
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) hostile files:\n\(failures.joined(separator: "\n"))")
    }

    @Test("the harness tells a crash from an error exit")
    func harness() throws {
        let shell = URL(fileURLWithPath: "/bin/sh")
        #expect(Self.problem(try Self.run(["-c", "kill -SEGV $$"], executable: shell)) == "killed by signal 11")
        #expect(Self.problem(try Self.run(["-c", "exit 1"], executable: shell)) == "exit status 1 without a message")
        #expect(Self.problem(try Self.run(["-c", "echo no >&2; exit 1"], executable: shell)) == nil)
        #expect(Self.problem(try Self.run(["-c", "exit 134"], executable: shell)) == "exit status 134")
    }

    static func tinyLlama() throws -> GGUFMetadataEditor {
        let path = CommandLineTests.repositoryRoot.appendingPathComponent("Tests/InferenceTests/Fixtures/forward/tiny-llama-bf16.gguf").path
        return try GGUFMetadataEditor(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// The reproductions from the report, through the CLI: each exits 1 naming the key.
    @Test("the reported crashes are refused with a message naming the key", arguments: [
        ("llama.rope.dimension_count", UInt32(4096)), ("llama.rope.dimension_count", 0xFFFF_FFFE),
        ("llama.feed_forward_length", 0), ("llama.attention.key_length", 0),
    ])
    func reported(key: String, value: UInt32) throws {
        try check(Self.tinyLlama().bytes(setting: key, type: 4, payload: HostileValue.littleEndian(value)), key: key)
    }

    @Test("RoPE over 64 dimensions of heads 16 wide is refused (once a 'double free')")
    func ropeOverNarrowHeads() throws {
        let sixteenHeads = try GGUFMetadataEditor(bytes: Self.tinyLlama().bytes(
            setting: "llama.attention.head_count", type: 4, payload: HostileValue.littleEndian(UInt32(16))))
        let bytes = sixteenHeads.bytes(setting: "llama.attention.head_count_kv", type: 4, payload: HostileValue.littleEndian(UInt32(8)))
        try check(bytes, key: "llama.rope.dimension_count")
    }

    func check(_ bytes: [UInt8], key: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-hostile-\(UUID().uuidString).gguf")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let outcome = try Self.run(["generate", "--model", url.path, "--prompt", "hi", "-n", "2"])
        #expect(!outcome.signalled && outcome.status == 1, "\(outcome)")
        #expect(outcome.standardError.contains("hyper-parameter '\(key)' is invalid"), "\(outcome.standardError)")
    }
}
