import ArgumentParser
import Foundation
import Inference

/// `ponder export`: a model with LoRA adapters merged into its weights, as one GGUF
/// file that runs without them (here or in llama.cpp).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model with LoRA adapters merged into its weights.",
        discussion: """
            Every matrix an adapter changes is dequantized, has scale·alpha/rank·B·A added and is \
            stored as F32 (or F16 with --type f16); every other tensor and all metadata are copied \
            as they are. Example: ponder export --lora tools.gguf --out merged.gguf
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: ArgumentHelp("Where to write the merged model.", valueName: "file"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("How merged matrices are stored: f32 or f16.", valueName: "type"))
    var type: LoRAMerge.StorageType = .f32

    func validate() throws {
        guard !modelOptions.lora.isEmpty else {
            throw ValidationError("give at least one adapter to merge with --lora FILE[:SCALE]")
        }
    }

    func run() throws {
        try reportingErrors {
            let path = try modelOptions.resolvePath()
            let destination = URL(fileURLWithPath: out).standardizedFileURL.path
            guard destination != URL(fileURLWithPath: path).standardizedFileURL.path else {
                throw CLIError.invalidInput("--out '\(out)' is the model file itself; choose another path for the merged model")
            }
            let file = try GGUFFile(path: path)
            let config = try ModelConfig(file: file)
            let adapters = try modelOptions.loadAdapters(config: config)
            do throws(LoRAMerge.MergeError) {
                try LoRAMerge.write(model: file, config: config, adapters: adapters, to: out, storage: type)
            } catch {
                throw CLIError.invalidInput("cannot export to '\(out)': \(error.description)")
            }
            let merged = adapters.reduce(0) { $0 + $1.adapter.weights.count }
            let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            printError("wrote \(out): \(merged) matrices merged, \(size / 1_048_576) MiB")
        }
    }
}

extension LoRAMerge.StorageType: ExpressibleByArgument {}
