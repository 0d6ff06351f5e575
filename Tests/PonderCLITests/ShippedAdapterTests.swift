import Foundation
import Testing

/// The adapter Ponder ships for the default model: `ponder distill ship` records it, every
/// command applies it unless `--lora` or `--no-adapter` says otherwise, and a damaged one
/// is refused with a message that says what to do. The committed rank-4 fixture stands in
/// for the trained adapter, in a temporary adapters folder (`$PONDER_ADAPTERS`).
struct ShippedAdapterTests {
    static let prompt = ["--prompt", "The capital of France is", "-n", "8"]

    /// A temporary adapters folder holding the fixture, shipped for the default model.
    static func shippedFolder() async throws -> String {
        let folder = LoRACommandTests.temporaryPath("adapters")
        let ship = try await CommandLineTests.run([
            "distill", "ship", "--adapter", LoRACommandTests.adapter, "--name", "ponder.gguf", "--into", folder,
            "--model", CommandLineTests.modelPath, "--scale", "0.75", "--recipe", "a test recipe",
        ])
        #expect(ship.status == 0, "\(ship.standardError)")
        #expect(ship.standardError.contains("shipped ponder.gguf"), "\(ship.standardError)")
        return folder
    }

    @Test("a shipped adapter is applied by default, shown by inspect, left out by --no-adapter, replaced by --lora")
    func appliedByDefault() async throws {
        let folder = try await Self.shippedFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = ["PONDER_ADAPTERS": folder]
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/adapters.json"))) as? [[String: Any]]
        #expect(manifest?.count == 1)
        #expect((manifest?.first?["sha256"] as? String)?.count == 64)
        #expect(manifest?.first?["recipe"] as? String == "a test recipe")

        let model = ["--model", CommandLineTests.modelPath]
        let base = try await CommandLineTests.run(["generate", "--no-adapter"] + model + Self.prompt, environment: environment)
        let shipped = try await CommandLineTests.run(["generate"] + model + Self.prompt, environment: environment)
        let explicit = try await CommandLineTests.run(
            ["generate", "--lora", LoRACommandTests.adapter + ":0.75"] + model + Self.prompt, environment: [:])
        #expect(base.status == 0 && shipped.status == 0 && explicit.status == 0, "\(base.standardError)\(shipped.standardError)")
        #expect(shipped.standardOutput != base.standardOutput, "the shipped adapter must be applied")
        #expect(shipped.standardOutput == explicit.standardOutput, "shipped at 0.75 is --lora FILE:0.75")

        let inspect = try await CommandLineTests.run(["inspect"] + model, environment: environment)
        #expect(inspect.standardOutput.contains("LoRA adapter shipped for this model (--no-adapter leaves it out):"), "\(inspect.standardOutput)")
        #expect(inspect.standardOutput.contains("ponder.gguf (scale 0.75, rank 4"), "\(inspect.standardOutput)")
        let plain = try await CommandLineTests.run(["inspect", "--no-adapter"] + model, environment: environment)
        #expect(!plain.standardOutput.contains("LoRA"), "\(plain.standardOutput)")
        let json = try await CommandLineTests.run(["inspect", "--json"] + model, environment: environment)
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect(object?["adapter_shipped"] as? Bool == true)
    }

    @Test("a shipped adapter whose bytes differ from its SHA-256 is refused, naming the file and --no-adapter")
    func damagedIsRefused() async throws {
        let folder = try await Self.shippedFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/ponder.gguf"
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[data.count - 10] ^= 0x01
        try data.write(to: URL(fileURLWithPath: path))
        let run = try await CommandLineTests.run(
            ["generate", "--model", CommandLineTests.modelPath] + Self.prompt, environment: ["PONDER_ADAPTERS": folder])
        #expect(run.status != 0)
        #expect(run.standardError.contains(path) && run.standardError.contains("SHA-256") && run.standardError.contains("--no-adapter"),
                "\(run.standardError)")
        let without = try await CommandLineTests.run(
            ["generate", "--no-adapter", "--model", CommandLineTests.modelPath] + Self.prompt, environment: ["PONDER_ADAPTERS": folder])
        #expect(without.status == 0, "\(without.standardError)")

        try Data("not json".utf8).write(to: URL(fileURLWithPath: folder + "/adapters.json"))
        let broken = try await CommandLineTests.run(
            ["generate", "--model", CommandLineTests.modelPath] + Self.prompt, environment: ["PONDER_ADAPTERS": folder])
        #expect(broken.status != 0)
        #expect(broken.standardError.contains("adapters.json") && broken.standardError.contains("--no-adapter"), "\(broken.standardError)")
    }

    @Test("ship refuses a missing adapter file and a name with folders, writing nothing")
    func shipErrors() async throws {
        let folder = LoRACommandTests.temporaryPath("adapters")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = try await CommandLineTests.run(["distill", "ship", "--adapter", "/nonexistent.gguf", "--into", folder, "--model", CommandLineTests.modelPath])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("/nonexistent.gguf"), "\(missing.standardError)")
        let badName = try await CommandLineTests.run(["distill", "ship", "--adapter", LoRACommandTests.adapter, "--name", "../x.gguf"])
        #expect(badName.status != 0)
        #expect(badName.standardError.contains("--name"), "\(badName.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/adapters.json"))
    }
}
