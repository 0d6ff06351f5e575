import Foundation
import Inference
import Testing
import Training

/// `ponder distill collect` on the default model: verified traces written as a file
/// `ponder train` accepts, the summary, Ctrl-C keeping what was written, bad input refused.
@Suite(.serialized)
struct DistillCollectCommandTests {
    typealias CLI = CommandLineTests

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-collect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("arithmetic and page problems: the verified ones written as training conversations, the summary counts them")
    func collects() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("traces.jsonl").path
        let result = try await CLI.run([
            "distill", "collect", "--kinds", "arithmetic,page", "--per-kind", "2", "--seed", "1", "--out", out, "--json",
            "--model", CLI.modelPath, "--no-adapter",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("[1/4] arithmetic-0"), "plain progress lines off a terminal: \(result.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let summary = try #require(report["summary"] as? [String: Any])
        let total = try #require(summary["total"] as? [String: Any])
        #expect(total["tried"] as? Int == 4)
        let kept = try #require(total["kept"] as? Int)
        #expect(report["written"] as? Int == kept)
        let verified = try #require(total["verified"] as? Int)
        let rejected = (total["rejections"] as? [String: Int] ?? [:]).values.reduce(0, +)
        #expect(verified + rejected == 4)
        // The base model answers some of these; the file must then be trainable as it is.
        #expect(kept >= 1, "no trace kept: \(result.standardOutput)")
        let conversations = try TrainingData.load(path: out)
        #expect(conversations.count == kept)
        // Laid out by the model's chat template as `ponder train --context 1024` does: every
        // line fits, and the model's turn is a target.
        let encoded = try TrainingDataEncoder(model: try Model(path: CLI.modelPath)).encode(conversations, context: 1024, path: out)
        #expect(encoded.count == kept)
        #expect(encoded.allSatisfy { $0.targetCount > 0 })
        for conversation in conversations {
            #expect(conversation.messages.first?.role == .system)
            let last = try #require(conversation.messages.last)
            #expect(last.role == .assistant)
            #expect(last.content.contains("<calc>") || last.content.contains("<fetch>http://127.0.0.1:"), "\(last.content)")
            #expect(last.content.contains("<result>"))
        }
    }

    @Test("Ctrl-C stops the collection: exit 130, the summary so far, every trace written stays readable")
    func interrupted() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("traces.jsonl").path
        let result = try await CLI.run(
            ["distill", "collect", "--kinds", "chat", "--per-kind", "12", "--out", out, "--model", CLI.modelPath, "--no-adapter"],
            onStart: { process in
                Thread.detachNewThread {
                    // A hang guard only: the first chat reply is written within seconds.
                    for _ in 0..<6000 where process.isRunning {
                        if let text = try? String(contentsOfFile: out, encoding: .utf8), text.hasSuffix("\n") {
                            process.interrupt()
                            return
                        }
                        Thread.sleep(forTimeInterval: 0.02)
                    }
                }
            })
        #expect(result.status == 130, "\(result.standardError)")
        #expect(result.standardError.contains("interrupted:"), "\(result.standardError)")
        #expect(result.standardOutput.contains("| chat |"), "the summary so far: \(result.standardOutput)")
        let conversations = try TrainingData.load(path: out)
        #expect(conversations.count >= 1)
        #expect(conversations.count < 12)
    }

    @Test("bad input is refused with what and where: an unknown kind, a bad count, an --out that cannot be written")
    func refusals() async throws {
        let unknown = try await CLI.run(["distill", "collect", "--kinds", "arithmetic,poetry", "--out", "/tmp/x.jsonl"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("unknown kind 'poetry'"), "\(unknown.standardError)")
        let count = try await CLI.run(["distill", "collect", "--per-kind", "0", "--out", "/tmp/x.jsonl"])
        #expect(count.status == 2)
        #expect(count.standardError.contains("--per-kind"), "\(count.standardError)")
        let noOut = try await CLI.run(["distill", "collect", "--kinds", "chat"])
        #expect(noOut.status == 2)
        #expect(noOut.standardError.contains("--out"), "\(noOut.standardError)")
        let folder = "/nonexistent-\(UUID().uuidString)/traces.jsonl"
        let unwritable = try await CLI.run(["distill", "collect", "--kinds", "chat", "--out", folder, "--model", CLI.modelPath])
        #expect(unwritable.status == 1)
        #expect(unwritable.standardError.contains("cannot write the traces to \(folder)"), "\(unwritable.standardError)")
        #expect(unwritable.standardError.contains("--out"), "\(unwritable.standardError)")
    }
}
