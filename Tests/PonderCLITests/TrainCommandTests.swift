import Foundation
import Testing

/// `ponder train` as a user runs it, on the default model: made-up facts trained for a
/// few steps, stopped with Ctrl-C and resumed; the adapter, its loss curve and log
/// written; the adapter loaded by `ponder generate --lora`; bad input refused clearly.
@Suite(.serialized)
struct TrainCommandTests {
    /// Made-up facts the base model cannot know. Each is written twice, so the held-out
    /// conversation is also trained on and its loss must fall too.
    static let facts: [(question: String, answer: String)] = [
        ("Where does the Ambery Spire stand?", "The Ambery Spire stands in Vell."),
        ("Who built the Ambery Spire?", "The glassmakers of Orrin built the Ambery Spire."),
        ("What colour is the river Tolm?", "The river Tolm is green."),
    ]

    static func jsonLine(_ question: String, _ answer: String) -> String {
        let object = ["messages": [["role": "user", "content": question], ["role": "assistant", "content": answer]]]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("facts: interrupted by Ctrl-C after a checkpoint, resumed, the loss falls, files written, the adapter loads")
    func trainInterruptResume() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("facts.jsonl")
        try ((Self.facts + Self.facts).map { Self.jsonLine($0.question, $0.answer) }.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
        let adapter = directory.appendingPathComponent("facts.gguf").path
        let checkpoint = directory.appendingPathComponent("facts.checkpoint.json").path
        let arguments = [
            "train", "--model", CommandLineTests.modelPath, "--data", data.path, "--out", adapter, "--steps", "6",
            "--lr", "2e-3", "--rank", "4", "--context", "64", "--batch-tokens", "64", "--validation", "0.2", "--seed", "1",
            "--save-every", "1", "--eval-every", "3", "--threads", "2",
        ]

        // Ctrl-C once the first checkpoint is on disk: the run finishes its step, saves, exits 130.
        let interrupted = try await CommandLineTests.run(arguments, onStart: { process in
            Thread.detachNewThread {
                // A hang guard only: the run ends by the signal long before.
                for _ in 0..<6000 where process.isRunning {
                    if FileManager.default.fileExists(atPath: checkpoint) {
                        process.interrupt()
                        return
                    }
                    Thread.sleep(forTimeInterval: 0.02)
                }
            }
        })
        #expect(interrupted.status == 130, "\(interrupted.standardError)")
        #expect(interrupted.standardError.contains("Run the same command with --resume to continue"), "\(interrupted.standardError)")
        #expect(interrupted.standardError.contains("step 1/6"), "a plain progress line per step off a terminal")
        #expect(FileManager.default.fileExists(atPath: checkpoint))

        let resumed = try await CommandLineTests.run(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("resuming at step"), "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("adapter: \(adapter)"))
        #expect(!FileManager.default.fileExists(atPath: checkpoint), "a finished run removes its checkpoint")

        // The log covers the whole run, across both sessions; the loss falls.
        let logData = try Data(contentsOf: directory.appendingPathComponent("facts.log.json"))
        let log = try #require(try JSONSerialization.jsonObject(with: logData) as? [String: Any])
        let steps = try #require(log["steps"] as? [[String: Any]])
        #expect(steps.compactMap { $0["step"] as? Int } == [1, 2, 3, 4, 5, 6])
        let losses = steps.compactMap { $0["loss"] as? Double }
        #expect(losses.count == 6 && losses.last! < losses.first!, "\(losses)")
        let final = try #require(log["final"] as? [String: Any])
        let firstValidation = try #require(final["first_validation_loss"] as? Double)
        let lastValidation = try #require(final["last_validation_loss"] as? Double)
        #expect(lastValidation < firstValidation, "validation \(firstValidation) → \(lastValidation)")
        let png = try Data(contentsOf: directory.appendingPathComponent("facts.loss.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))

        // The adapter is a llama.cpp LoRA GGUF that ponder generate applies.
        let generated = try await CommandLineTests.run([
            "generate", "--model", CommandLineTests.modelPath, "--lora", adapter, "--chat", "--prompt", Self.facts[0].question, "-n", "8",
        ])
        #expect(generated.status == 0, "\(generated.standardError)")
        let inspected = try await CommandLineTests.run(["inspect", "--model", CommandLineTests.modelPath, "--lora", adapter])
        #expect(inspected.status == 0 && inspected.standardOutput.contains("facts.gguf"), "\(inspected.standardOutput)\(inspected.standardError)")
    }

    @Test("bad data: every bad line with its number and why, nothing trained")
    func badData() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("bad.jsonl")
        let lines = [
            Self.jsonLine("Hi", "Hello."), "{oops", #"{"messages": [{"role": "user", "content": "No reply"}]}"#,
            #"{"messages": [{"role": "wizard", "content": "x"}, {"role": "assistant", "content": "y"}]}"#,
        ]
        try lines.joined(separator: "\n").write(to: data, atomically: true, encoding: .utf8)
        let adapter = directory.appendingPathComponent("a.gguf").path
        let result = try await CommandLineTests.run(["train", "--model", CommandLineTests.modelPath, "--data", data.path, "--out", adapter])
        #expect(result.status == 1)
        #expect(result.standardError.contains("3 bad lines in \(data.path); nothing was trained"), "\(result.standardError)")
        #expect(result.standardError.contains("line 2: not valid JSON"))
        #expect(result.standardError.contains("line 3: no assistant message"))
        #expect(result.standardError.contains(#"line 4: message 1 has the unknown role "wizard""#))
        #expect(!FileManager.default.fileExists(atPath: adapter))

        let tooLong = directory.appendingPathComponent("long.jsonl")
        try Self.jsonLine(String(repeating: "many words ", count: 40), "Yes.").write(to: tooLong, atomically: true, encoding: .utf8)
        let long = try await CommandLineTests.run(["train", "--model", CommandLineTests.modelPath, "--data", tooLong.path, "--out", adapter, "--context", "32"])
        #expect(long.status == 1)
        #expect(long.standardError.contains("longer than the context of 32 (raise --context or shorten it)"), "\(long.standardError)")
    }

    @Test("bad flags and paths: usage errors exit 2, missing files 1, each saying what to do")
    func badInput() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("d.jsonl")
        try Self.jsonLine("Hi", "Hello.").write(to: data, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("a.gguf").path
        let base = ["train", "--model", CommandLineTests.modelPath, "--data", data.path, "--out", out]
        let cases: [(arguments: [String], status: Int32, message: String)] = [
            (base + ["--rank", "0"], 2, "--rank must be positive"),
            (base + ["--targets", "q,attn"], 2, "--targets: unknown projection 'attn'; choose from q,k,v,o,gate,up,down"),
            (base + ["--epochs", "2", "--steps", "3"], 2, "give --epochs or --steps, not both"),
            (base + ["--validation", "1"], 2, "--validation must be from 0 up to"),
            (base + ["--lora", out], 2, "takes no --lora"),
            (["train", "--model", CommandLineTests.modelPath, "--data", data.path], 2, "Missing expected argument '--out"),
            (["train", "--model", CommandLineTests.modelPath, "--data", directory.appendingPathComponent("none.jsonl").path, "--out", out], 1, "no such file"),
            (["train", "--model", CommandLineTests.modelPath, "--data", data.path, "--out", directory.appendingPathComponent("missing/a.gguf").path], 1, "does not exist; create it first"),
            (base + ["--resume"], 1, "no checkpoint to resume"),
        ]
        for testCase in cases {
            let result = try await CommandLineTests.run(testCase.arguments)
            #expect(result.status == testCase.status, "\(testCase.arguments): \(result.standardError)")
            #expect(result.standardError.contains(testCase.message), "\(testCase.arguments): \(result.standardError)")
        }
    }

    @Test("--help explains the data format and gives an example")
    func help() async throws {
        let result = try await CommandLineTests.run(["train", "--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains(#"{"messages": [{"role": "user""#))
        #expect(result.standardOutput.contains("ponder train --data facts.jsonl --out facts.gguf"))
        #expect(result.standardOutput.contains("--batch-tokens") && result.standardOutput.contains("--resume"))
    }
}
