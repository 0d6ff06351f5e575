import CKernels

/// Writes a model with adapters merged into its weights: every matrix an adapter
/// changes becomes `W + Σ multiplier·B·A`, dequantized and stored as F32 or F16; every
/// other tensor and all metadata are copied as they are. The result loads anywhere a
/// GGUF model does, without the adapter.
public enum LoRAMerge {
    /// How merged matrices are stored.
    public enum StorageType: String, Sendable, CaseIterable {
        /// 32-bit floats: exact sums, four bytes a weight.
        case f32
        /// Half precision: half the size, rounding each weight once.
        case f16

        var ggmlType: GGMLType { self == .f32 ? .f32 : .f16 }
    }

    /// Why a merged model could not be written.
    public enum MergeError: Error, Equatable, Sendable, CustomStringConvertible {
        /// An adapter does not fit the model.
        case adapter(LoRAAdapterError)
        /// A changed matrix has a type whose rows cannot be dequantized.
        case unsupportedTensorType(tensor: String, type: String)
        /// Writing failed.
        case write(GGUFWriteError)

        /// What went wrong.
        public var description: String {
            switch self {
            case .adapter(let error): return error.description
            case .unsupportedTensorType(let tensor, let type):
                return "cannot merge into tensor '\(tensor.escapedForDisplay)' of type \(type): Ponder cannot dequantize it"
            case .write(let error): return error.description
            }
        }
    }

    /// Merges `adapters` (each with its user scale) into the model `file` (hyper-parameters
    /// `config`) and writes the result to `path`.
    public static func write(
        model file: GGUFFile, config: ModelConfig, adapters: [(adapter: LoRAAdapter, scale: Float)],
        to path: String, storage: StorageType = .f32
    ) throws(MergeError) {
        // Pairs by the base weight they change.
        var changes: [String: [LowRankPair]] = [:]
        for (adapter, scale) in adapters {
            let source = adapter.path ?? "(in memory)"
            guard adapter.architecture == config.architecture else {
                throw .adapter(.architectureMismatch(path: source, adapter: adapter.architecture, model: config.architecture))
            }
            do { try adapter.validate(path: source) } catch { throw .adapter(error) }
            for pair in adapter.weights {
                guard let tensor = file.tensorsByName[pair.weightName] else {
                    throw .adapter(.targetNotInModel(path: source, tensor: pair.weightName))
                }
                guard tensor.shape == [pair.inputWidth, pair.outputWidth] else {
                    throw .adapter(.shapeMismatch(path: source, tensor: pair.weightName + ".lora_a",
                                                  expected: [tensor.shape[0], pair.rank], found: [pair.inputWidth, pair.rank]))
                }
                guard ck_type_supported(Int32(tensor.type.rawValue)) != 0 else {
                    throw .unsupportedTensorType(tensor: tensor.name, type: tensor.type.name)
                }
                changes[pair.weightName, default: []].append(LowRankPair(pair, multiplier: adapter.scale(scale, rank: pair.rank)))
            }
        }
        let tensors = file.tensors.map { info in
            GGUFWriter.Tensor(name: info.name, type: changes[info.name] == nil ? info.type : storage.ggmlType, shape: info.shape)
        }
        let writer = GGUFWriter(metadata: file.metadataKeys.compactMap { key in file.metadata[key].map { (key, $0) } },
                                tensors: tensors, alignment: file.alignment)
        do {
            try writer.write(to: path) { (index, sink: (UnsafeRawBufferPointer) throws(GGUFWriteError) -> Void) throws(GGUFWriteError) in
                let info = file.tensors[index]
                guard let pairs = changes[info.name] else {
                    try sink(file.data(for: info))
                    return
                }
                let merged = mergedRows(info, in: file, pairs: pairs)
                switch storage {
                case .f32:
                    try GGUFWriter.withBytes(of: merged, sink)
                case .f16:
                    var halves = [UInt16](repeating: 0, count: merged.count)
                    ck_fp32_to_fp16_row(merged, &halves, Int64(merged.count))
                    try GGUFWriter.withBytes(of: halves, sink)
                }
            }
        } catch {
            throw .write(error)
        }
    }

    /// W + Σ B·A as floats, row-major (`shape[1]` rows of `shape[0]`).
    static func mergedRows(_ info: GGUFTensorInfo, in file: GGUFFile, pairs: [LowRankPair]) -> [Float] {
        let columns = info.shape[0], rows = info.shape[1]
        let rowBytes = columns / info.type.blockSize * info.type.typeSize
        let base = file.data(for: info)
        var weights = [Float](repeating: 0, count: rows * columns)
        weights.withUnsafeMutableBufferPointer { output in
            guard let source = base.baseAddress, let destination = output.baseAddress else { return }
            for row in 0..<rows {
                ck_dequantize_row(Int32(info.type.rawValue), source + row * rowBytes, destination + row * columns, Int64(columns))
            }
            for pair in pairs {
                for row in 0..<rows {
                    let target = destination + row * columns
                    for inner in 0..<pair.rank {
                        let factor = pair.scaledB[row * pair.rank + inner]
                        let aRow = inner * columns
                        for column in 0..<columns { target[column] += factor * pair.a[aRow + column] }
                    }
                }
            }
        }
        return weights
    }
}
