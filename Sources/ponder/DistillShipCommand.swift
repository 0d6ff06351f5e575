import ArgumentParser
import Foundation
import Inference

/// `ponder distill ship`: makes an adapter the one Ponder applies to a model by default.
struct DistillShipCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ship",
        abstract: "Make an adapter the one Ponder applies by default to the model it was trained for.",
        discussion: """
            Copies the adapter into the adapters folder (data/adapters of the checkout, or \
            --into) and records in its manifest, adapters.json, the adapter's SHA-256, the \
            model file it belongs to (by fingerprint, wherever that file lies) and the \
            recipe that trains it again. From then on every command that runs that model \
            applies the adapter unless --lora or --no-adapter is given.

            Example: ponder distill ship --adapter round-3.gguf --recipe "tools/train-default-adapter --seed 1"
            """)

    @Option(help: ArgumentHelp("The adapter to ship (llama.cpp's adapter GGUF).", valueName: "file"))
    var adapter: String

    @Option(help: ArgumentHelp("Its file name in the adapters folder (default: the adapter's own).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("The adapters folder (default: data/adapters in the working directory).", valueName: "dir"))
    var into: String?

    @Option(help: "The scale it is applied with.")
    var scale: Float = 1

    @Option(help: ArgumentHelp("The command that trains it again, recorded in the manifest.", valueName: "command"))
    var recipe = ""

    @Option(name: .long, help: ArgumentHelp("The model it was trained for (default: the default model).", valueName: "path"))
    var model: String?

    /// The largest adapter the repository holds.
    static let maximumBytes = 16 << 20

    func validate() throws {
        guard scale.isFinite, scale > 0 else { throw ValidationError("--scale must be a positive number") }
        if let name, name.isEmpty || name.contains("/") || !name.hasSuffix(".gguf") {
            throw ValidationError("--name must be a file name ending in .gguf, without folders")
        }
    }

    func run() throws {
        try reportingErrors {
            let modelPath = try ModelLocator.resolve(explicit: model)
            let file = try GGUFFile(path: modelPath)
            let config = try ModelConfig(file: file)
            guard let data = FileManager.default.contents(atPath: adapter) else {
                throw CLIError.invalidInput("no adapter file at '\(adapter)' (from --adapter)")
            }
            guard data.count <= Self.maximumBytes else {
                throw CLIError.invalidInput(
                    "'\(adapter)' is \(data.count >> 20) MiB; a shipped adapter is at most 16 MiB (train with a lower --rank or fewer --targets)")
            }
            do throws(LoRAAdapterError) {
                _ = try LoRAAdapter.load(path: adapter, for: config)
            } catch {
                throw CLIError.invalidInput("--adapter: \(error.description)")
            }
            let folder = into ?? FileManager.default.currentDirectoryPath + "/data/adapters"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let fileName = name ?? URL(fileURLWithPath: adapter).lastPathComponent
            let entry = ShippedAdapter(
                file: fileName, sha256: ShippedAdapter.sha256(of: data), model: URL(fileURLWithPath: modelPath).lastPathComponent,
                modelFingerprint: ShippedAdapter.hex(file.contentFingerprint), scale: scale, recipe: recipe)
            let manifestPath = folder + "/" + ShippedAdapter.manifestName
            var entries: [ShippedAdapter] = []
            if FileManager.default.fileExists(atPath: manifestPath) {
                entries = try ShippedAdapters.readManifest(at: manifestPath)
            }
            // One adapter per model: shipping again replaces that model's entry.
            entries.removeAll { $0.modelFingerprint == entry.modelFingerprint }
            entries.append(entry)
            let destination = folder + "/" + fileName
            if URL(fileURLWithPath: destination).standardized.path != URL(fileURLWithPath: adapter).standardized.path {
                try data.write(to: URL(fileURLWithPath: destination), options: .atomic)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (encoder.encode(entries) + Data("\n".utf8)).write(to: URL(fileURLWithPath: manifestPath), options: .atomic)
            printError("shipped \(fileName) (SHA-256 \(entry.sha256)) for \(entry.model) in \(folder)")
        }
    }
}
