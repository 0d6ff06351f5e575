import Foundation
import Testing
@testable import Training

/// What a run shows and leaves behind: the progress lines, the loss-curve PNG (read back
/// by a decoder written here from the PNG and zlib specifications) and the JSON log.
struct TrainingLoopReportTests {
    static func record(step: Int, loss: Double, seconds: Double = 0.5) -> StepRecord {
        StepRecord(step: step, epoch: 1, loss: loss, learningRate: 2e-4, gradientNorm: 1, tokens: 500, targets: 100, seconds: seconds)
    }

    @Test("plain lines off a terminal: step, loss, validation loss, lr, tokens/s, time left")
    func plainProgress() {
        var progress = TrainingProgress(totalSteps: 20, redraws: false)
        #expect(progress.text(for: .started(firstStep: 1, totalSteps: 20), elapsed: 0) == nil)
        #expect(progress.text(for: .validation(ValidationRecord(step: 0, loss: 3.25, targets: 9)), elapsed: 0) == "validation loss 3.2500 after step 0\n")
        let line = progress.text(for: .step(Self.record(step: 4, loss: 2.5)), elapsed: 8)
        #expect(line == "step  4/20  loss 2.5000  val 3.2500  lr 2.00e-04  1000 tok/s  32s left\n")
        let last = progress.text(for: .step(Self.record(step: 20, loss: 1)), elapsed: 200)
        #expect(last?.hasSuffix("done in 3m20s\n") == true)
    }

    @Test("on a terminal one bar is redrawn in place; a resumed run counts its time from the resumption")
    func terminalProgress() {
        var progress = TrainingProgress(totalSteps: 8, redraws: true)
        #expect(progress.text(for: .started(firstStep: 5, totalSteps: 8), elapsed: 0) == "resuming at step 5 of 8\n")
        let line = progress.text(for: .step(Self.record(step: 6, loss: 2)), elapsed: 60) ?? ""
        #expect(line.hasPrefix("\r\u{1B}[2K"))
        #expect(line.contains("[██████████████████······]") && line.contains("1m00s left"), "\(line)")
        #expect(!line.hasSuffix("\n"))
        #expect(TrainingProgress.duration(7325) == "2h02m")
    }

    @Test("the loss curve is a valid PNG with both curves drawn")
    func lossCurve() throws {
        var history = TrainingHistory()
        history.steps = (1...40).map { Self.record(step: $0, loss: 3 / Double($0)) }
        history.validations = [ValidationRecord(step: 0, loss: 3.2, targets: 9), ValidationRecord(step: 20, loss: 0.4, targets: 9), ValidationRecord(step: 40, loss: 0.2, targets: 9)]
        let image = try DecodedPNG(LossCurve.png(history))
        #expect(image.width == 800 && image.height == 480)
        let counts = Dictionary(grouping: image.indices, by: { $0 }).mapValues(\.count)
        let firstSeries = UInt8(LineChart.palette.count - LineChart.seriesColours.count)
        #expect((counts[firstSeries] ?? 0) > 800, "the training curve")
        #expect((counts[firstSeries + 1] ?? 0) > 150, "the validation curve and its dots")
        #expect((counts[LineChart.Ink.text.rawValue] ?? 0) > 1000, "axes and labels")
        #expect(LineChart.ticks(from: 0.13, to: 3.4).map(\.label) == ["1", "2", "3"])
        #expect(LineChart.ticks(from: 0.13, to: 0.9).map(\.label) == ["0.2", "0.4", "0.6", "0.8"])
        // Nothing measured yet: an empty frame, still a valid image.
        #expect(try DecodedPNG(LossCurve.png(TrainingHistory())).width == 800)
    }

    @Test("the JSON log holds the configuration, every step and the final numbers")
    func log() throws {
        var history = TrainingHistory()
        history.steps = [Self.record(step: 1, loss: 2), Self.record(step: 2, loss: 1.5, seconds: 1.5)]
        history.validations = [ValidationRecord(step: 0, loss: 2.2, targets: 5), ValidationRecord(step: 2, loss: 1.8, targets: 5)]
        var options = TrainingOptions()
        options.length = .steps(2)
        let plan = TrainingPlan(conversations: ToyData.conversations(count: 4), options: options)
        let configuration = TrainingLog.Configuration(
            model: "m.gguf", data: "d.jsonl", adapter: "a.gguf", rank: 8, alpha: 16, targets: ["q", "v"], options: options,
            plan: plan, schedule: LearningRateSchedule(peak: options.learningRate, totalSteps: plan.totalSteps))
        let data = try TrainingLog(configuration: configuration, history: history, versions: ["ponder": "1.2.3"]).encoded()
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let config = try #require(json["configuration"] as? [String: Any])
        #expect(config["rank"] as? Int == 8 && config["steps"] as? Int == 2 && config["epochs"] == nil)
        #expect(config["learning_rate"] as? Double == 2e-4 && config["batch_tokens"] as? Int == 512)
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.count == 2 && abs((steps[1]["tokens_per_second"] as? Double ?? 0) - 500 / 1.5) < 1e-9)
        #expect(Set(steps[0].keys) == ["step", "epoch", "loss", "learning_rate", "gradient_norm", "tokens", "targets", "seconds", "tokens_per_second"])
        let final = try #require(json["final"] as? [String: Any])
        #expect(final["first_validation_loss"] as? Double == 2.2 && final["last_validation_loss"] as? Double == 1.8)
        #expect(final["tokens"] as? Int == 1000 && final["tokens_per_second"] as? Double == 500)
        #expect(json["versions"] as? [String: String] == ["ponder": "1.2.3", "log_format": "1"])
    }
}

/// A PNG reader for exactly what `PalettePNG` writes (8-bit palette, filter 0, stored
/// deflate blocks), checking every CRC and the Adler-32.
struct DecodedPNG {
    let width: Int, height: Int
    let indices: [UInt8]

    struct Invalid: Error, CustomStringConvertible { let description: String }

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Invalid(description: "signature") }
        func word(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        var offset = 8, width = 0, height = 0
        var compressed: [UInt8] = []
        var types: [String] = []
        while offset < bytes.count {
            let length = word(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            guard UInt32(word(offset + 8 + length)) == CRC32.checksum(Data(bytes[(offset + 4)..<(offset + 8 + length)])) else {
                throw Invalid(description: "CRC of \(type)")
            }
            types.append(type)
            if type == "IHDR" {
                width = word(offset + 8)
                height = word(offset + 12)
                guard body[8...] == [8, 3, 0, 0, 0] else { throw Invalid(description: "IHDR fields") }
            }
            if type == "IDAT" { compressed += body }
            offset += 12 + length
        }
        guard types.first == "IHDR", types.last == "IEND", types.contains("PLTE") else { throw Invalid(description: "chunks \(types)") }
        // zlib: header, stored blocks (BFINAL, LEN, NLEN, bytes), Adler-32.
        guard compressed.starts(with: [0x78, 0x01]) else { throw Invalid(description: "zlib header") }
        var raw: [UInt8] = []
        var position = 2, final = false
        while !final {
            final = compressed[position] & 1 == 1
            guard compressed[position] >> 1 == 0 else { throw Invalid(description: "not a stored block") }
            let length = Int(compressed[position + 1]) | Int(compressed[position + 2]) << 8
            let complement = Int(compressed[position + 3]) | Int(compressed[position + 4]) << 8
            guard length ^ complement == 0xFFFF else { throw Invalid(description: "LEN/NLEN") }
            raw += compressed[(position + 5)..<(position + 5 + length)]
            position += 5 + length
        }
        var a = 1, b = 0
        for byte in raw { a = (a + Int(byte)) % 65_521; b = (b + a) % 65_521 }
        let adler = Int(compressed[position]) << 24 | Int(compressed[position + 1]) << 16 | Int(compressed[position + 2]) << 8 | Int(compressed[position + 3])
        guard adler == b << 16 | a else { throw Invalid(description: "Adler-32") }
        guard raw.count == (width + 1) * height else { throw Invalid(description: "\(raw.count) bytes of image data") }
        var indices: [UInt8] = []
        for row in 0..<height {
            guard raw[row * (width + 1)] == 0 else { throw Invalid(description: "filter of row \(row)") }
            indices += raw[(row * (width + 1) + 1)..<((row + 1) * (width + 1))]
        }
        self.width = width
        self.height = height
        self.indices = indices
    }
}
