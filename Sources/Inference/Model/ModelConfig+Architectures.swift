/// The metadata only some architectures use: Gemma 3's sliding-window layers and
/// their own RoPE base, Phi-3's long-context RoPE (attention factor and original
/// context), and a final logit soft-cap. Read as llama.cpp reads them, so a file
/// means the same model in both.
extension ModelConfig {
    /// Reads the architecture-specific keys of `file` into this configuration.
    mutating func readArchitectureKeys(file: GGUFFile) throws {
        func key(_ name: String) -> String { "\(architecture).\(name)" }
        ropeAttentionFactor = try file.double(key("rope.scaling.attn_factor"))
        ropeOriginalContextLength = try file.integer(key("rope.scaling.original_context_length"))
        finalLogitSoftcapping = try file.double(key("final_logit_softcapping"))
        if let cap = finalLogitSoftcapping, cap == 0 { finalLogitSoftcapping = nil }

        // Phi-3 files carry a sliding window that llama.cpp ignores (and so does Ponder):
        // only architectures whose table entry has a window pattern use it.
        guard let defaultPattern = ArchitectureTensors.forArchitecture(architecture)?.defaultSlidingWindowPattern,
              let window = try file.integer(key("attention.sliding_window")), window > 0
        else { return }
        slidingWindow = window
        ropeFrequencyBaseLocal = try file.double(key("rope.freq_base_swa")) ?? 10_000
        let patternKey = key("attention.sliding_window_pattern")
        if case .array(.bool, let values)? = file.metadata[patternKey] {
            // One flag per layer: true where the layer is local.
            guard values.count >= blockCount else {
                throw ModelError.invalidHyperparameter(
                    key: patternKey, reason: "\(values.count) flags for \(blockCount) layers")
            }
            slidingWindowLayers = values.prefix(blockCount).map { $0.bool ?? false }
        } else {
            // Every n-th layer is global, the others local (n = 0: all local).
            let period = try file.integer(patternKey) ?? defaultPattern
            slidingWindowLayers = (0..<blockCount).map { period == 0 || $0 % period < period - 1 }
        }
    }

    /// Whether `layer` attends through the sliding window.
    func isSlidingWindowLayer(_ layer: Int) -> Bool {
        layer < slidingWindowLayers.count && slidingWindowLayers[layer]
    }
}
