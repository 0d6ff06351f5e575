import ArgumentParser
import Foundation
import Inference

/// `ponder inspect`: what a model file holds, and the adapters applied to it (`--lora`'s,
/// else the one Ponder ships for it).
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise a model: architecture, sizes, tensor types, tokenizer, chat template, LoRA adapters.")

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        try reportingErrors {
            let file = try modelOptions.openFile()
            let summary = ModelSummary(file: file)
            // Adapters are applied to the loaded model, so a mismatch shows here as it would in use.
            // A file Ponder cannot run is still summarised: the model is loaded only to apply adapters.
            let shippedEntry = modelOptions.lora.isEmpty && !modelOptions.noAdapter ? try ShippedAdapters.locate()?.entry(for: file) : nil
            let shipped = shippedEntry != nil
            let adapters = modelOptions.lora.isEmpty && !shipped ? [] : try modelOptions.load(threads: nil).model.adapters
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                guard !adapters.isEmpty else {
                    print(String(decoding: try encoder.encode(summary), as: UTF8.self))
                    return
                }
                var object = try JSONSerialization.jsonObject(with: encoder.encode(summary)) as? [String: Any] ?? [:]
                object["adapters"] = try JSONSerialization.jsonObject(with: encoder.encode(adapters))
                object["adapter_shipped"] = shipped
                let data = try JSONSerialization.data(
                    withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(summary.text)
                if !adapters.isEmpty {
                    print(shipped ? "LoRA adapter shipped for this model (--no-adapter leaves it out):" : "LoRA adapters:")
                    for adapter in adapters { print("  " + adapter.summary) }
                }
            }
        }
    }
}
