import Foundation
import Testing
@testable import Training

/// Checkpoint files: an exact round trip, and clear refusals of missing, damaged and
/// mismatched files.
struct CheckpointTests {
    static func sample() -> TrainingCheckpoint {
        var history = TrainingHistory()
        history.steps = [StepRecord(step: 1, epoch: 1, loss: 2.5, learningRate: 1e-4, gradientNorm: 0.7, tokens: 100, targets: 40, seconds: 0.5)]
        history.validations = [ValidationRecord(step: 0, loss: 2.75, targets: 12)]
        return TrainingCheckpoint(
            stepsDone: 1, tensorNames: ["blk.0.attn_q.weight.lora_a", "blk.0.attn_q.weight.lora_b"],
            values: [[1.5, -0.0, .leastNonzeroMagnitude, 3e-8], [0.1, 0.2]],
            optimizer: AdamW(
                configuration: AdamW.Configuration(weightDecay: 0.01), step: 1,
                firstMoments: [[0.25, 0.5, 0.75, 1], [2, 3]], secondMoments: [[1e-9, 0, 1, 2], [4, 5]]),
            history: history, planFingerprint: 0xDEAD_BEEF_0123_4567, settings: ["--lr": "0.0002", "--rank": "16"])
    }

    @Test("written and read back exactly, beside the adapter")
    func roundTrip() throws {
        let directory = try ToyData.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = CheckpointFiles(adapterPath: directory.appendingPathComponent("facts.gguf").path)
        #expect(files.descriptionPath.hasSuffix("/facts.checkpoint.json") && files.binaryPath.hasSuffix("/facts.checkpoint.bin"))
        #expect(!files.exists)
        try files.write(Self.sample())
        let read = try files.read()
        #expect(read == Self.sample())
        #expect(read.values[0].map(\.bitPattern) == Self.sample().values[0].map(\.bitPattern), "-0 and denormals survive")
        // Written again (the next save): replaced, not appended to.
        var later = Self.sample()
        later.stepsDone = 2
        try files.write(later)
        #expect(try files.read().stepsDone == 2)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(leftovers == ["facts.checkpoint.bin", "facts.checkpoint.json"])
        files.remove()
        #expect(!files.exists)
    }

    @Test("missing, cut short, changed and malformed checkpoints are refused with what to do")
    func refusals() throws {
        let directory = try ToyData.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = CheckpointFiles(adapterPath: directory.appendingPathComponent("a.gguf").path)
        #expect(throws: CheckpointError.missing(path: files.descriptionPath)) { try files.read() }
        #expect(CheckpointError.missing(path: "x").description.contains("start without --resume"))

        try files.write(Self.sample())
        var binary = try Data(contentsOf: URL(fileURLWithPath: files.binaryPath))
        binary[5] ^= 0x40
        try binary.write(to: URL(fileURLWithPath: files.binaryPath))
        #expect(throws: CheckpointError.corrupt(path: files.binaryPath)) { try files.read() }
        try binary.prefix(10).write(to: URL(fileURLWithPath: files.binaryPath))
        #expect(throws: CheckpointError.corrupt(path: files.binaryPath)) { try files.read() }

        try Data("{\"format\": \"something else\"}".utf8).write(to: URL(fileURLWithPath: files.descriptionPath))
        #expect {
            try files.read()
        } throws: { error in
            guard case .malformed(let path, _) = error as? CheckpointError else { return false }
            return path == files.descriptionPath
        }
    }

    @Test("the sibling paths of an adapter")
    func paths() {
        #expect(TrainingOutputPaths.sibling(of: "out/facts.gguf", suffix: ".loss.png") == "out/facts.loss.png")
        #expect(TrainingOutputPaths.sibling(of: "out/facts.GGUF", suffix: ".log.json") == "out/facts.log.json")
        #expect(TrainingOutputPaths.sibling(of: "facts", suffix: ".log.json") == "facts.log.json")
    }
}
