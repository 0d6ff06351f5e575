import CKernels

/// A weight matrix as stored in the mapped file: `rows` rows of `columns` weights in
/// one GGML type. Products quantize the activations and run in `CKernels`; the
/// low-rank pairs of loaded adapters are added by `ActivationStore.multiply`.
struct WeightMatrix: @unchecked Sendable {
    let name: String
    let type: GGMLType
    /// Length of a row (the input dimension; GGML's ne0).
    let columns: Int
    /// Number of rows (the output dimension; GGML's ne1).
    let rows: Int
    let data: UnsafeRawPointer
    /// LoRA pairs added to this matrix's products (none unless an adapter is loaded).
    let lowRank = LowRankSlot()

    var rowBytes: Int { columns / type.blockSize * type.typeSize }

    init(name: String, tensor: GGUFTensorInfo, file: GGUFFile) throws(InferenceError) {
        guard ck_type_supported(Int32(tensor.type.rawValue)) != 0 else {
            throw .unsupportedTensorType(tensor: name, type: tensor.type.name)
        }
        guard tensor.byteCount > 0, let base = file.data(for: tensor).baseAddress else {
            throw .invalidTensorValues(tensor: name, reason: "it is empty (shape \(tensor.shape))")
        }
        self.name = name
        type = tensor.type
        columns = tensor.shape[0]
        rows = tensor.shape.dropFirst().reduce(1, *)
        data = base
    }

    /// Row `index` as floats.
    func dequantizeRow(_ index: Int, into output: UnsafeMutablePointer<Float>) {
        ck_dequantize_row(Int32(type.rawValue), data + index * rowBytes, output, Int64(columns))
    }

    /// y[t][r] = row r · x[t] for `tokens` prepared activation rows; `y` rows are
    /// `outputStride` floats apart. Rows are split across the engine's threads.
    func multiply(_ activations: PreparedActivations, tokens: Int, into y: UnsafeMutablePointer<Float>, outputStride: Int) {
        precondition(activations.type == type && activations.columns == columns)
        ComputePool.shared.withPool { pool in
            ck_pool_matmul(pool, Int32(type.rawValue), data, Int64(columns), Int64(rows), activations.buffer,
                           Int64(tokens), y, Int64(outputStride))
        }
    }
}

/// Activation rows converted once for the dot products of one weight type.
final class PreparedActivations {
    let type: GGMLType
    let columns: Int
    let rowBytes: Int
    let buffer: UnsafeMutableRawPointer

    init(type: GGMLType, columns: Int, maximumTokens: Int) {
        self.type = type
        self.columns = columns
        rowBytes = Int(ck_activation_row_bytes(Int32(type.rawValue), Int64(columns)))
        buffer = .allocate(byteCount: max(1, rowBytes * maximumTokens), alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// Converts `tokens` rows of `x` (each `columns` floats, `stride` apart).
    func prepare(_ x: UnsafePointer<Float>, tokens: Int, stride: Int) {
        for t in 0..<tokens {
            ck_prepare_activation_row(Int32(type.rawValue), x + t * stride, buffer + t * rowBytes, Int64(columns))
        }
    }
}

