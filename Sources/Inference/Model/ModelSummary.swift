/// What `ponder inspect` reports about a model file.
public struct ModelSummary: Codable, Sendable {
    /// The path the file was opened from.
    public var path: String
    /// Size of the file in bytes.
    public var fileSize: Int
    /// The GGUF format version.
    public var ggufVersion: Int
    /// `general.name`, when present.
    public var name: String?
    /// `general.architecture`, when present.
    public var architecture: String?
    /// Hyper-parameters, when the architecture is supported.
    public var config: ModelConfig?
    /// Why the hyper-parameters could not be read, when they could not.
    public var configError: String?
    /// Elements in all tensors.
    public var parameterCount: Int
    /// Number of tensors.
    public var tensorCount: Int
    /// Tensor count by type name ("Q4_1": 210).
    public var tensorTypes: [String: Int]
    /// The tokenizer in a few words, when it could be built.
    public var tokenizer: String?
    /// Why the tokenizer could not be built, when it could not.
    public var tokenizerError: String?
    /// Text of the begin-of-sequence token, if the vocabulary has one.
    public var beginOfSequenceToken: String?
    /// Text of the end-of-sequence token, if the vocabulary has one.
    public var endOfSequenceToken: String?
    /// The chat template family recognised in the file.
    public var chatTemplate: String
    /// The system message the template adds when a conversation has none.
    public var defaultSystemMessage: String?

    /// Summarises `file`; problems with parts of it are recorded, not thrown, so that
    /// a half-readable file can still be inspected.
    public init(file: GGUFFile) {
        path = file.path
        fileSize = file.fileSize
        ggufVersion = Int(file.version)
        name = (try? file.string("general.name")) ?? nil
        architecture = (try? file.string("general.architecture")) ?? nil
        do {
            config = try ModelConfig(file: file)
        } catch {
            configError = error.description
        }
        parameterCount = file.tensors.reduce(0) { $0 + $1.elementCount }
        tensorCount = file.tensors.count
        tensorTypes = file.tensors.reduce(into: [:]) { $0[$1.type.name, default: 0] += 1 }
        do {
            let tokenizer = try Tokenizer(file: file)
            self.tokenizer = tokenizer.summary
            let vocabulary = tokenizer.vocabulary
            beginOfSequenceToken = vocabulary.beginOfSequence.map { vocabulary.tokens[Int($0)] }
            endOfSequenceToken = vocabulary.endOfSequence.map { vocabulary.tokens[Int($0)] }
        } catch {
            tokenizerError = error.description
        }
        let template = ChatTemplate(file: file)
        chatTemplate = template.family.rawValue
        defaultSystemMessage = template.defaultSystemMessage
    }

    /// A readable multi-line report; text from the file is shown escaped (see `FileText`).
    public var text: String {
        var lines: [String] = []
        func line(_ label: String, _ value: String) {
            lines.append(label.padding(to: 16) + value)
        }
        line("file", "\(path.escapedForDisplay) (\(Self.formatBytes(fileSize)), GGUF v\(ggufVersion))")
        if let name { line("name", name.escapedForDisplay) }
        line("architecture", architecture?.escapedForDisplay ?? "(none)")
        line("parameters", Self.formatCount(parameterCount))
        if let config {
            line("layers", "\(config.blockCount)")
            line("embedding", "\(config.embeddingLength)")
            line("feed-forward", "\(config.feedForwardLength)")
            line("heads", "\(config.headCount) query, \(config.headCountKV) key/value, \(config.headDimension) wide")
            line("context", "\(config.contextLength) tokens (trained)")
            line("RoPE", "base \(Self.formatNumber(config.ropeFrequencyBase)), \(config.ropeDimensionCount) dimensions"
                + (config.ropeScalingType.map { ", scaling \($0.escapedForDisplay)" } ?? ""))
            line("RMSNorm eps", "\(config.rmsNormEpsilon)")
        } else if let configError {
            line("config", "unavailable: \(configError)")
        }
        let types = tensorTypes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        line("tensors", "\(tensorCount)" + (types.isEmpty ? "" : ": \(types)"))
        if let tokenizer {
            line("tokenizer", tokenizer.escapedForDisplay)
            line("special tokens", "BOS \(beginOfSequenceToken?.escapedForDisplay ?? "none"), EOS \(endOfSequenceToken?.escapedForDisplay ?? "none")")
        } else if let tokenizerError {
            line("tokenizer", "unavailable: \(tokenizerError)")
        }
        line("chat template", chatTemplate)
        if let defaultSystemMessage { line("default system", "\"" + defaultSystemMessage.escapedForDisplay + "\"") }
        return lines.joined(separator: "\n")
    }

    static func formatBytes(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : formatNumber((value * 10).rounded() / 10) + " " + units[unit]
    }

    static func formatCount(_ count: Int) -> String {
        switch count {
        case 1_000_000_000...: return formatNumber((Double(count) / 1e8).rounded() / 10) + "B"
        case 1_000_000...: return formatNumber((Double(count) / 1e5).rounded() / 10) + "M"
        case 1_000...: return formatNumber((Double(count) / 1e2).rounded() / 10) + "K"
        default: return "\(count)"
        }
    }

    /// A number without a trailing ".0".
    static func formatNumber(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
