import Agent
import Crypto
import Foundation
import Inference

/// An adapter Ponder ships for one model file (an entry of `data/adapters/adapters.json`):
/// applied to that model unless `--lora` names others or `--no-adapter` asks for the
/// base model.
struct ShippedAdapter: Codable, Equatable {
    /// The adapter's file name in the adapters folder.
    var file: String
    /// The SHA-256 of the adapter file, in hex: checked before it is applied.
    var sha256: String
    /// The model file it was trained for, as people know it.
    var model: String
    /// That file's `GGUFFile.contentFingerprint`, in hex: what is matched.
    var modelFingerprint: String
    /// The scale it is applied with.
    var scale: Float
    /// The command that trains it again.
    var recipe: String

    enum CodingKeys: String, CodingKey {
        case file, sha256, model, scale, recipe
        case modelFingerprint = "model_fingerprint"
    }

    /// The manifest's name in the adapters folder.
    static let manifestName = "adapters.json"
    /// Names another adapters folder (tests, or a user's own).
    static let environmentVariable = "PONDER_ADAPTERS"

    /// A fingerprint as the manifest writes it: 16 hex digits.
    static func hex(_ fingerprint: UInt64) -> String {
        let digits = String(fingerprint, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }

    /// The SHA-256 of `data`, in hex.
    static func sha256(of data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// The adapters folder: its manifest and where its files are.
struct ShippedAdapters {
    /// The folder holding the manifest and the adapter files.
    let directory: String
    /// The manifest's entries.
    let entries: [ShippedAdapter]

    /// The folder `$PONDER_ADAPTERS` names, else the installed or checked-out
    /// `data/adapters`; nil when there is none (nothing is shipped). A manifest that
    /// cannot be read is an error naming it.
    static func locate() throws -> ShippedAdapters? {
        guard let folder = try? PromptLibrary.locate(
            folder: "data/adapters", containing: ShippedAdapter.manifestName, overriddenBy: ShippedAdapter.environmentVariable)
        else { return nil }
        let path = folder.directory + "/" + ShippedAdapter.manifestName
        return ShippedAdapters(directory: folder.directory, entries: try readManifest(at: path))
    }

    /// The entries of the manifest at `path`; an unreadable one is an error naming it.
    static func readManifest(at path: String) throws -> [ShippedAdapter] {
        do {
            return try JSONDecoder().decode([ShippedAdapter].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CLIError.invalidInput("the shipped adapters' manifest '\(path)' cannot be read (\(error)); reinstall Ponder, or pass --no-adapter")
        }
    }

    /// The entry trained for `file`, if any.
    func entry(for file: GGUFFile) -> ShippedAdapter? {
        let fingerprint = ShippedAdapter.hex(file.contentFingerprint)
        return entries.first { $0.modelFingerprint == fingerprint }
    }

    /// Where `entry`'s adapter file is.
    func path(of entry: ShippedAdapter) -> String {
        directory + "/" + entry.file
    }

    /// Reads `entry`'s adapter after checking its SHA-256, for a model with `config`.
    func load(_ entry: ShippedAdapter, config: ModelConfig) throws -> LoRAAdapter {
        let path = path(of: entry)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.invalidInput("the shipped adapter '\(path)' is missing; reinstall Ponder (tools/install), or pass --no-adapter")
        }
        let digest = ShippedAdapter.sha256(of: data)
        guard digest == entry.sha256 else {
            throw CLIError.invalidInput(
                "the shipped adapter '\(path)' has SHA-256 \(digest), not the \(entry.sha256) its manifest records; "
                    + "reinstall Ponder (tools/install), or pass --no-adapter")
        }
        do throws(LoRAAdapterError) {
            return try LoRAAdapter.load(path: path, for: config)
        } catch {
            throw CLIError.invalidInput("the shipped adapter: \(error.description); pass --no-adapter")
        }
    }
}
