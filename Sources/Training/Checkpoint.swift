import Foundation

/// The state a run resumes from: the trainable values, AdamW's moments and step, the
/// steps done and what was measured, and what the run was (to refuse resuming another).
public struct TrainingCheckpoint: Sendable, Equatable {
    /// Optimiser steps done.
    public var stepsDone: Int
    /// The trainable tensors' names, in the model's order.
    public var tensorNames: [String]
    /// Their values.
    public var values: [[Float]]
    /// AdamW's step and moments.
    public var optimizer: AdamW
    /// The losses so far.
    public var history: TrainingHistory
    /// `TrainingPlan.fingerprint` of the run: same data, same steps.
    public var planFingerprint: UInt64
    /// The settings that decide the numbers, by flag name.
    public var settings: [String: String]

    /// A checkpoint of these parts.
    public init(
        stepsDone: Int, tensorNames: [String], values: [[Float]], optimizer: AdamW, history: TrainingHistory,
        planFingerprint: UInt64, settings: [String: String]
    ) {
        self.stepsDone = stepsDone
        self.tensorNames = tensorNames
        self.values = values
        self.optimizer = optimizer
        self.history = history
        self.planFingerprint = planFingerprint
        self.settings = settings
    }
}

/// Why a checkpoint cannot be written or resumed.
public enum CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No checkpoint beside the adapter.
    case missing(path: String)
    /// A file cannot be read or written.
    case io(path: String, reason: String)
    /// The description is not a checkpoint Ponder wrote.
    case malformed(path: String, reason: String)
    /// The binary part does not match its description (cut short or changed).
    case corrupt(path: String)
    /// The run differs from the one checkpointed: these settings, or the data.
    case differentRun([String])

    /// What is wrong and what to do.
    public var description: String {
        switch self {
        case .missing(let path):
            return "no checkpoint to resume at \(path); start without --resume (checkpoints are written with --save-every and on Ctrl-C)"
        case .io(let path, let reason): return "checkpoint file \(path): \(reason)"
        case .malformed(let path, let reason): return "\(path) is not a Ponder training checkpoint: \(reason)"
        case .corrupt(let path):
            return "the checkpoint data \(path) does not match its description (cut short or changed); start again without --resume"
        case .differentRun(let differences):
            return "the checkpoint belongs to a different run: " + differences.joined(separator: "; ")
                + ". Resume with the same data and settings, or start again without --resume"
        }
    }
}

/// The two files of a checkpoint beside the adapter `ADAPTER.gguf`:
/// `ADAPTER.checkpoint.json` (step, settings, history, the layout of the binary file)
/// and `ADAPTER.checkpoint.bin` (per tensor: values, first moments, second moments,
/// little-endian float32). Each is replaced atomically, the binary first; the description
/// holds the binary's hash, so a pair from different saves is refused.
public struct CheckpointFiles: Sendable {
    /// The description's path.
    public let descriptionPath: String
    /// The binary part's path.
    public let binaryPath: String

    /// The checkpoint files that belong to the adapter at `adapterPath`.
    public init(adapterPath: String) {
        descriptionPath = TrainingOutputPaths.sibling(of: adapterPath, suffix: ".checkpoint.json")
        binaryPath = TrainingOutputPaths.sibling(of: adapterPath, suffix: ".checkpoint.bin")
    }

    /// Whether a checkpoint is there.
    public var exists: Bool { FileManager.default.fileExists(atPath: descriptionPath) }

    /// Writes `checkpoint`, replacing any earlier one.
    public func write(_ checkpoint: TrainingCheckpoint) throws(CheckpointError) {
        var binary = Data(capacity: checkpoint.values.reduce(0) { $0 + 12 * $1.count })
        for index in checkpoint.values.indices {
            for buffer in [checkpoint.values[index], checkpoint.optimizer.firstMoments[index], checkpoint.optimizer.secondMoments[index]] {
                if 1.littleEndian == 1 {
                    buffer.withUnsafeBytes { binary.append(contentsOf: $0) }
                } else {
                    for value in buffer { withUnsafeBytes(of: value.bitPattern.littleEndian) { binary.append(contentsOf: $0) } }
                }
            }
        }
        let description = CheckpointDescription(
            format: CheckpointDescription.formatName, version: CheckpointDescription.currentVersion,
            stepsDone: checkpoint.stepsDone, planFingerprint: String(checkpoint.planFingerprint, radix: 16),
            settings: checkpoint.settings, optimizerConfiguration: checkpoint.optimizer.configuration,
            optimizerStep: checkpoint.optimizer.step,
            tensors: zip(checkpoint.tensorNames, checkpoint.values).map { .init(name: $0, count: $1.count) },
            binaryFile: URL(fileURLWithPath: binaryPath).lastPathComponent, binaryBytes: binary.count,
            binaryHash: String(Self.hash(binary), radix: 16), history: checkpoint.history)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json: Data
        do { json = try encoder.encode(description) } catch { throw .io(path: descriptionPath, reason: "\(error)") }
        try Self.atomicWrite(binary, to: binaryPath)
        try Self.atomicWrite(json, to: descriptionPath)
    }

    /// Reads the checkpoint, checking the binary part against its description.
    public func read() throws(CheckpointError) -> TrainingCheckpoint {
        guard exists else { throw .missing(path: descriptionPath) }
        let json = try Self.contents(of: descriptionPath)
        let description: CheckpointDescription
        do {
            description = try JSONDecoder().decode(CheckpointDescription.self, from: json)
        } catch {
            throw .malformed(path: descriptionPath, reason: "\(error)")
        }
        guard description.format == CheckpointDescription.formatName else {
            throw .malformed(path: descriptionPath, reason: "format is \"\(description.format)\"")
        }
        guard description.version == CheckpointDescription.currentVersion else {
            throw .malformed(path: descriptionPath, reason: "version \(description.version); this Ponder reads version \(CheckpointDescription.currentVersion)")
        }
        guard let fingerprint = UInt64(description.planFingerprint, radix: 16) else {
            throw .malformed(path: descriptionPath, reason: "the plan fingerprint is not hexadecimal")
        }
        let binary = try Self.contents(of: binaryPath)
        let expectedBytes = description.tensors.reduce(0) { $0 + 12 * $1.count }
        guard binary.count == description.binaryBytes, binary.count == expectedBytes,
              String(Self.hash(binary), radix: 16) == description.binaryHash
        else { throw .corrupt(path: binaryPath) }
        var values: [[Float]] = [], first: [[Float]] = [], second: [[Float]] = []
        var offset = 0
        binary.withUnsafeBytes { raw in
            func floats(_ count: Int) -> [Float] {
                var result = [Float](repeating: 0, count: count)
                for i in 0..<count {
                    result[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)))
                }
                offset += 4 * count
                return result
            }
            for tensor in description.tensors {
                values.append(floats(tensor.count))
                first.append(floats(tensor.count))
                second.append(floats(tensor.count))
            }
        }
        return TrainingCheckpoint(
            stepsDone: description.stepsDone, tensorNames: description.tensors.map(\.name), values: values,
            optimizer: AdamW(
                configuration: description.optimizerConfiguration, step: description.optimizerStep, firstMoments: first,
                secondMoments: second),
            history: description.history, planFingerprint: fingerprint, settings: description.settings)
    }

    /// Removes the checkpoint (after a run finishes, it is no longer needed).
    public func remove() {
        try? FileManager.default.removeItem(atPath: descriptionPath)
        try? FileManager.default.removeItem(atPath: binaryPath)
    }

    static func hash(_ data: Data) -> UInt64 {
        var hash = FNV1a()
        data.withUnsafeBytes { raw in
            let words = raw.count / 8
            for i in 0..<words { hash.add(raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) }
            for i in (8 * words)..<raw.count { hash.add(UInt64(raw[i])) }
        }
        return hash.value
    }

    static func contents(of path: String) throws(CheckpointError) -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw .io(path: path, reason: "cannot be read") }
    }

    /// Writes `data` to a temporary file beside `path`, then renames it over `path`.
    static func atomicWrite(_ data: Data, to path: String) throws(CheckpointError) {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .io(path: path, reason: "cannot be written (\(error.localizedDescription))")
        }
    }
}

/// The JSON half of a checkpoint.
struct CheckpointDescription: Codable {
    static let formatName = "ponder-lora-checkpoint"
    static let currentVersion = 1

    struct Tensor: Codable {
        let name: String
        let count: Int
    }

    let format: String
    let version: Int
    let stepsDone: Int
    let planFingerprint: String
    let settings: [String: String]
    let optimizerConfiguration: AdamW.Configuration
    let optimizerStep: Int
    let tensors: [Tensor]
    let binaryFile: String
    let binaryBytes: Int
    let binaryHash: String
    let history: TrainingHistory

    enum CodingKeys: String, CodingKey {
        case format, version, stepsDone = "steps_done", planFingerprint = "plan_fingerprint", settings
        case optimizerConfiguration = "optimizer", optimizerStep = "optimizer_step", tensors
        case binaryFile = "binary_file", binaryBytes = "binary_bytes", binaryHash = "binary_fnv1a", history
    }
}

/// Where a run writes beside the adapter `ADAPTER.gguf`: `ADAPTER.loss.png`,
/// `ADAPTER.log.json`, `ADAPTER.checkpoint.json`, `ADAPTER.checkpoint.bin`.
public enum TrainingOutputPaths {
    /// `adapterPath` without a `.gguf` extension, followed by `suffix`.
    public static func sibling(of adapterPath: String, suffix: String) -> String {
        let base = adapterPath.lowercased().hasSuffix(".gguf") ? String(adapterPath.dropLast(5)) : adapterPath
        return base + suffix
    }
}
