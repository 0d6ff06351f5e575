import Foundation
import Testing

/// `ponder distill eval` and `ponder distill run` on the real model, as small as a round
/// can be: round 0, one collection, one training step, one evaluation, the report.
struct DistillRunCommandTests {
    static let sets = CommandLineTests.repositoryRoot.appendingPathComponent("tools/eval-sets").path

    @Test("a round: collect, train, evaluate, report; running it again does nothing twice")
    func oneRound() async throws {
        let out = LoRACommandTests.temporaryPath("distill-run")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let arguments = [
            "distill", "run", "--rounds", "1", "--kinds", "arithmetic", "--per-kind", "3", "--samples", "1", "--eval-limit", "1",
            "--epochs", "1", "--rank", "2", "--set-dir", Self.sets, "--out", out, "--model", CommandLineTests.modelPath,
        ]
        let run = try await CommandLineTests.run(arguments)
        #expect(run.status == 0, "\(run.standardError)")
        for file in ["report.md", "report.json", "accuracy.png", "round-0/eval.json", "round-1/traces.jsonl", "round-1/adapter.gguf",
                     "round-1/adapter.loss.png", "round-1/eval.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file) is missing")
        }
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as? [String: Any]
        let rounds = report?["rounds"] as? [[String: Any]]
        #expect(rounds?.count == 2)
        #expect((rounds?.last?["trained_on"] as? Int ?? 0) > 0)
        #expect(run.standardOutput.contains("| round | traces | trained on | arithmetic | browsing | plotting |"), "\(run.standardOutput)")

        // Again: every step's output exists, so nothing is collected, trained or scored.
        let again = try await CommandLineTests.run(arguments)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(!again.standardError.contains("— round"), "\(again.standardError)")
        #expect(again.standardOutput == run.standardOutput)
    }

    @Test("eval scores a set's questions and says what is wrong with bad options")
    func evaluate() async throws {
        let run = try await CommandLineTests.run([
            "distill", "eval", "--sets", "arithmetic", "--limit", "2", "--set-dir", Self.sets, "--json", "--model", CommandLineTests.modelPath,
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let tally = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
        let arithmetic = (tally?["sets"] as? [String: Any])?["arithmetic"] as? [String: Any]
        #expect(arithmetic?["total"] as? Int == 2)
        let badSplit = try await CommandLineTests.run(["distill", "eval", "--split", "train"])
        #expect(badSplit.status != 0 && badSplit.standardError.contains("--split must be dev or test"), "\(badSplit.standardError)")
        let missing = try await CommandLineTests.run(["distill", "eval", "--set-dir", "/nonexistent", "--sets", "arithmetic"])
        #expect(missing.status != 0 && missing.standardError.contains("/nonexistent/arithmetic.jsonl"), "\(missing.standardError)")
    }
}
