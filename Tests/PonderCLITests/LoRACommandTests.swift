import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `--lora` and `ponder export` on the real binary and the default model, with the
/// committed rank-4 adapter fixture (made by tools/make_lora_fixture.py).
struct LoRACommandTests {
    static let adapter = CommandLineTests.repositoryRoot
        .appendingPathComponent("Tests/InferenceTests/Fixtures/lora-smollm2-rank4.gguf").path
    static let prompt = ["--prompt", "The capital of France is", "-n", "8"]

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ponder-lora-cli-\(UUID().uuidString)-\(name)").path
    }

    @Test("generate --lora changes the greedy text, and the exported merged model writes the same text")
    func generateAndExport() async throws {
        let base = try await CommandLineTests.run(["generate", "--model", CommandLineTests.modelPath] + Self.prompt)
        let adapted = try await CommandLineTests.run(
            ["generate", "--model", CommandLineTests.modelPath, "--lora", Self.adapter + ":0.75"] + Self.prompt)
        #expect(base.status == 0 && adapted.status == 0, "\(base.standardError)\(adapted.standardError)")
        #expect(!adapted.standardOutput.isEmpty)
        #expect(adapted.standardOutput != base.standardOutput, "the adapter must change the greedy text")

        let merged = Self.temporaryPath("merged.gguf")
        defer { try? FileManager.default.removeItem(atPath: merged) }
        let export = try await CommandLineTests.run(
            ["export", "--model", CommandLineTests.modelPath, "--lora", Self.adapter + ":0.75", "--out", merged])
        #expect(export.status == 0, "\(export.standardError)")
        #expect(export.standardError.contains("105 matrices merged"), "\(export.standardError)")
        let fromMerged = try await CommandLineTests.run(["generate", "--model", merged] + Self.prompt)
        #expect(fromMerged.status == 0, "\(fromMerged.standardError)")
        #expect(fromMerged.standardOutput == adapted.standardOutput)

        let inspect = try await CommandLineTests.run(["inspect", "--model", merged])
        // The 105 merged matrices become F32 beside the 61 norm vectors; the other 105 stay Q4_1.
        #expect(inspect.standardOutput.contains("F32 ×166, Q4_1 ×105"), "\(inspect.standardOutput)")
    }

    @Test("inspect --lora lists the adapter, in text and JSON")
    func inspect() async throws {
        let text = try await CommandLineTests.run(["inspect", "--model", CommandLineTests.modelPath, "--lora", Self.adapter + ":0.5"])
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.contains("LoRA adapters:"))
        #expect(text.standardOutput.contains("lora-smollm2-rank4.gguf (scale 0.5, rank 4, alpha 8.0, q,k,v,o,gate,up,down on 105 matrices)"),
                "\(text.standardOutput)")
        let json = try await CommandLineTests.run(["inspect", "--json", "--model", CommandLineTests.modelPath, "--lora", Self.adapter])
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        let adapters = object?["adapters"] as? [[String: Any]]
        #expect(adapters?.count == 1)
        #expect(adapters?.first?["ranks"] as? [Int] == [4])
        #expect(object?["architecture"] != nil || object?.keys.contains { $0.contains("architecture") } == true)
    }

    @Test("a missing or unusable adapter names --lora and the file; a malformed value is a usage error")
    func errors() async throws {
        let missing = try await CommandLineTests.run(
            ["generate", "--model", CommandLineTests.modelPath, "--lora", "/nonexistent/tools.gguf", "--prompt", "x", "-n", "1"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("--lora") && missing.standardError.contains("/nonexistent/tools.gguf"),
                "\(missing.standardError)")

        // The model file itself is a GGUF, but not an adapter.
        let notAdapter = try await CommandLineTests.run(
            ["generate", "--model", CommandLineTests.modelPath, "--lora", CommandLineTests.modelPath, "--prompt", "x", "-n", "1"])
        #expect(notAdapter.status == 1)
        #expect(notAdapter.standardError.contains("--lora") && notAdapter.standardError.contains("general.type")
                && notAdapter.standardError.contains("SmolLM2-135M-Instruct.Q4_1.gguf"), "\(notAdapter.standardError)")

        let malformed = try await CommandLineTests.run(["generate", "--lora", ":0.5", "--prompt", "x"])
        #expect(malformed.status == 2, "\(malformed.standardError)")
        let noAdapter = try await CommandLineTests.run(["export", "--out", Self.temporaryPath("none.gguf")])
        #expect(noAdapter.status == 2, "\(noAdapter.standardError)")
        let overwrite = try await CommandLineTests.run(
            ["export", "--model", CommandLineTests.modelPath, "--lora", Self.adapter, "--out", CommandLineTests.modelPath])
        #expect(overwrite.status == 1 && overwrite.standardError.contains("is the model file itself"), "\(overwrite.standardError)")
    }
}

/// `ponder serve --lora`: the web page's info names the adapter.
struct LoRAServeTests {
    @Test("serve --lora shows the adapter in /ponder/info")
    func serveInfo() async throws {
        let process = Process()
        process.executableURL = CommandLineTests.productsDirectory.appendingPathComponent("ponder")
        process.arguments = ["serve", "--port", "0", "--model", CommandLineTests.modelPath, "--lora", LoRACommandTests.adapter + ":0.5"]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "PONDER_MODEL")
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Hang guard: a server that never announces itself is stopped, which ends the read.
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 120)
            if process.isRunning { process.terminate() }
        }
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // Wait (on a thread of its own) for the line naming the address; a hang guard ends it.
        let reader = output.fileHandleForReading
        let line: String? = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var text = ""
                while let chunk = try? reader.read(upToCount: 1), !chunk.isEmpty {
                    text += String(decoding: chunk, as: UTF8.self)
                    if text.contains("/v1 ("), text.hasSuffix("\n") { continuation.resume(returning: text); return }
                }
                continuation.resume(returning: text.isEmpty ? nil : text)
            }
        }
        let announced = try #require(line)
        let address = try #require(announced.range(of: #"http://[^/]+"#, options: .regularExpression).map { String(announced[$0]) },
                                   "\(announced)")
        let (data, _) = try await URLSession.shared.data(from: URL(string: address + "/ponder/info")!)
        let info = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(info?["adapter"] as? String == "lora-smollm2-rank4.gguf ×0.5", "\(String(decoding: data, as: UTF8.self))")
    }
}
