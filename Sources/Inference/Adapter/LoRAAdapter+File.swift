import CKernels

extension LoRAAdapter {
    /// Metadata keys of llama.cpp's adapter files.
    enum Key {
        static let generalType = "general.type"
        static let architecture = "general.architecture"
        static let adapterType = "adapter.type"
        static let alpha = "adapter.lora.alpha"
    }

    /// Reads the adapter at `path` and checks it against a model with `config`: the
    /// file must say `general.type = adapter`, `adapter.type = lora`, carry
    /// `adapter.lora.alpha` and the model's architecture, and hold only pairs
    /// `blk.N.<matrix>.weight.lora_a` (GGML shape `[input, rank]`) and `.lora_b`
    /// (`[rank, output]`) in F32 or F16, finite, shaped for the model's matrices.
    /// Norm tensors (`…_norm.weight`) are skipped, as llama.cpp skips them.
    public static func load(path: String, for config: ModelConfig) throws(LoRAAdapterError) -> LoRAAdapter {
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw .file(path: path, error)
        }
        return try load(file: file, for: config)
    }

    /// Reads an adapter from an opened file; see `load(path:for:)`.
    public static func load(file: GGUFFile, for config: ModelConfig) throws(LoRAAdapterError) -> LoRAAdapter {
        let path = file.path
        func string(_ key: String) throws(LoRAAdapterError) -> String {
            guard let value = file.metadata[key] else { throw .missingKey(path: path, key: key) }
            guard let text = value.string else {
                throw .wrongValue(path: path, key: key, expected: "a string", found: value.typeDescription)
            }
            return text
        }
        let generalType = try string(Key.generalType)
        guard generalType == "adapter" else {
            throw .wrongValue(path: path, key: Key.generalType, expected: "'adapter'", found: "'\(generalType)'")
        }
        let adapterType = try string(Key.adapterType)
        guard adapterType == "lora" else {
            throw .wrongValue(path: path, key: Key.adapterType, expected: "'lora'", found: "'\(adapterType)'")
        }
        let architecture = try string(Key.architecture)
        guard architecture == config.architecture else {
            throw .architectureMismatch(path: path, adapter: architecture, model: config.architecture)
        }
        guard let alphaValue = file.metadata[Key.alpha] else { throw .missingKey(path: path, key: Key.alpha) }
        guard let alphaNumber = alphaValue.double, alphaNumber.isFinite else {
            throw .wrongValue(path: path, key: Key.alpha, expected: "a finite number", found: alphaValue.typeDescription)
        }

        // Pair the halves by the base weight's name.
        var halves: [String: (a: GGUFTensorInfo?, b: GGUFTensorInfo?)] = [:]
        var order: [String] = []
        for tensor in file.tensors {
            if tensor.name.hasSuffix("_norm.weight") { continue }
            let isA = tensor.name.hasSuffix(".lora_a")
            guard isA || tensor.name.hasSuffix(".lora_b") else { throw .unknownTensor(path: path, tensor: tensor.name) }
            let base = String(tensor.name.dropLast(".lora_a".count))
            if halves[base] == nil { order.append(base) }
            if isA { halves[base, default: (nil, nil)].a = tensor } else { halves[base, default: (nil, nil)].b = tensor }
        }

        var weights: [LoRAWeights] = []
        weights.reserveCapacity(order.count)
        for base in order {
            guard let pair = halves[base] else { continue }
            guard let a = pair.a else { throw .missingPartner(path: path, tensor: base + ".lora_b", missing: base + ".lora_a") }
            guard let b = pair.b else { throw .missingPartner(path: path, tensor: base + ".lora_a", missing: base + ".lora_b") }
            guard let (layer, target) = parseWeightName(base) else { throw .unknownTensor(path: path, tensor: a.name) }
            guard layer < config.blockCount else {
                throw .layerOutOfRange(path: path, tensor: a.name, layer: layer, blockCount: config.blockCount)
            }
            let (inputWidth, outputWidth) = target.widths(in: config)
            guard a.shape.count == 2, a.shape[0] == inputWidth, a.shape[1] > 0 else {
                throw .shapeMismatch(path: path, tensor: a.name, expected: [inputWidth, a.shape.count == 2 ? a.shape[1] : 0], found: a.shape)
            }
            let rank = a.shape[1]
            guard b.shape.count == 2, b.shape[1] == outputWidth else {
                throw .shapeMismatch(path: path, tensor: b.name, expected: [rank, outputWidth], found: b.shape)
            }
            guard b.shape[0] == rank else { throw .rankMismatch(path: path, tensor: base, a: rank, b: b.shape[0]) }
            weights.append(LoRAWeights(
                layer: layer, target: target, rank: rank, inputWidth: inputWidth, outputWidth: outputWidth,
                a: try floats(of: a, in: file), b: try floats(of: b, in: file)))
        }
        return LoRAAdapter(alpha: Float(alphaNumber), weights: weights, architecture: architecture, path: path)
    }

    /// `blk.N.<matrix>.weight` → (N, target).
    static func parseWeightName(_ name: String) -> (layer: Int, target: LoRATarget)? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "blk", parts[3] == "weight",
              let layer = Int(parts[1]), layer >= 0, String(layer) == parts[1],
              let target = LoRATarget(tensorName: String(parts[2]))
        else { return nil }
        return (layer, target)
    }

    /// The values of an F32 or F16 tensor, checked finite.
    private static func floats(of tensor: GGUFTensorInfo, in file: GGUFFile) throws(LoRAAdapterError) -> [Float] {
        guard tensor.type == .f32 || tensor.type == .f16 else {
            throw .unsupportedTensorType(path: file.path, tensor: tensor.name, type: tensor.type.name)
        }
        let count = tensor.elementCount
        let bytes = file.data(for: tensor)
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let source = bytes.baseAddress, let destination = buffer.baseAddress, count > 0 {
                ck_dequantize_row(Int32(tensor.type.rawValue), source, destination, Int64(count))
            }
            initialized = count
        }
        guard ck_all_finite(values, Int64(count)) != 0 else { throw .nonFiniteValues(path: file.path, tensor: tensor.name) }
        return values
    }

    /// Checks the pairs among themselves: sizes agree with ranks and widths, every value
    /// is finite, no matrix appears twice. `path` names the adapter in errors.
    public func validate(path: String) throws(LoRAAdapterError) {
        var seen = Set<String>()
        for pair in weights {
            let name = pair.weightName
            guard seen.insert(name).inserted else { throw .duplicateTarget(path: path, tensor: name) }
            guard pair.rank > 0, pair.a.count == pair.rank * pair.inputWidth else {
                throw .shapeMismatch(path: path, tensor: name + ".lora_a", expected: [pair.inputWidth, pair.rank],
                                     found: [pair.a.count])
            }
            guard pair.b.count == pair.outputWidth * pair.rank else {
                throw .shapeMismatch(path: path, tensor: name + ".lora_b", expected: [pair.rank, pair.outputWidth],
                                     found: [pair.b.count])
            }
            guard ck_all_finite(pair.a, Int64(pair.a.count)) != 0 else { throw .nonFiniteValues(path: path, tensor: name + ".lora_a") }
            guard ck_all_finite(pair.b, Int64(pair.b.count)) != 0 else { throw .nonFiniteValues(path: path, tensor: name + ".lora_b") }
        }
        guard alpha.isFinite else {
            throw .wrongValue(path: path, key: Key.alpha, expected: "a finite number", found: "\(alpha)")
        }
    }

    /// Writes the adapter to `path` in llama.cpp's format (F32 tensors, pairs in the
    /// order of `weights`), after `validate(path:)`. The file appears whole or not at all.
    public func write(to path: String) throws(LoRAAdapterError) {
        try validate(path: path)
        var tensors: [GGUFWriter.Tensor] = []
        for pair in weights {
            tensors.append(.init(name: pair.weightName + ".lora_a", type: .f32, shape: [pair.inputWidth, pair.rank]))
            tensors.append(.init(name: pair.weightName + ".lora_b", type: .f32, shape: [pair.rank, pair.outputWidth]))
        }
        let writer = GGUFWriter(
            metadata: [
                (Key.architecture, .string(architecture)),
                (Key.generalType, .string("adapter")),
                (Key.adapterType, .string("lora")),
                (Key.alpha, .float32(alpha)),
            ],
            tensors: tensors)
        let weights = self.weights
        do {
            try writer.write(to: path) { (index, sink: (UnsafeRawBufferPointer) throws(GGUFWriteError) -> Void) throws(GGUFWriteError) in
                let pair = weights[index / 2]
                let values = index % 2 == 0 ? pair.a : pair.b
                try GGUFWriter.withBytes(of: values, sink)
            }
        } catch {
            throw .writeFailed(path: path, reason: error.description)
        }
    }
}
