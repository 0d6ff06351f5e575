import Foundation
import Inference
import Testing

/// Locations of test data: fixtures committed beside the tests, and the default
/// model that `tools/setup` installs (the test command runs set-up first).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// The default model; tests that need it fail with instructions when it is missing.
    static var defaultModelPath: String {
        get throws {
            let path = repositoryRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
            try #require(
                FileManager.default.fileExists(atPath: path),
                "the default model is missing: run tools/setup to download it to \(path)")
            return path
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// The GGUF file a fixture names: a committed vocabulary, or the default model.
    static func openVocabulary(_ name: String) throws -> GGUFFile {
        if name == "SmolLM2-135M-Instruct.Q4_1.gguf" { return try GGUFFile(path: defaultModelPath) }
        return try GGUFFile(path: path(name))
    }
}
