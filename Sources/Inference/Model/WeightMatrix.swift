import CKernels
import Dispatch

/// A weight matrix as stored in the mapped file: `rows` rows of `columns` weights in
/// one GGML type. Products quantize the activations and run in `CKernels`.
struct WeightMatrix: @unchecked Sendable {
    let name: String
    let type: GGMLType
    /// Length of a row (the input dimension; GGML's ne0).
    let columns: Int
    /// Number of rows (the output dimension; GGML's ne1).
    let rows: Int
    let data: UnsafeRawPointer

    var rowBytes: Int { columns / type.blockSize * type.typeSize }

    init(name: String, tensor: GGUFTensorInfo, file: GGUFFile) throws(InferenceError) {
        guard ck_type_supported(Int32(tensor.type.rawValue)) != 0 else {
            throw .unsupportedTensorType(tensor: name, type: tensor.type.name)
        }
        self.name = name
        type = tensor.type
        columns = tensor.shape[0]
        rows = tensor.shape.dropFirst().reduce(1, *)
        data = file.data(for: tensor).baseAddress!
    }

    /// Row `index` as floats.
    func dequantizeRow(_ index: Int, into output: UnsafeMutablePointer<Float>) {
        ck_dequantize_row(Int32(type.rawValue), data + index * rowBytes, output, Int64(columns))
    }

    /// y[t][r] = row r · x[t] for `tokens` prepared activation rows; `y` rows are
    /// `outputStride` floats apart. Rows are split across threads.
    func multiply(_ activations: PreparedActivations, tokens: Int, into y: UnsafeMutablePointer<Float>, outputStride: Int) {
        precondition(activations.type == type && activations.columns == columns)
        let chunks = ParallelRows.chunkCount(rows: rows, work: rows * tokens * columns)
        let rowsPerChunk = (rows + chunks - 1) / chunks
        let typeCode = Int32(type.rawValue)
        let weights = SendableRawPointer(data)
        let input = SendableRawPointer(UnsafeRawPointer(activations.buffer))
        let columns = Int64(columns), totalRows = rows
        let output = SendablePointer(y)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let begin = min(totalRows, chunk * rowsPerChunk)
            let end = min(totalRows, begin + rowsPerChunk)
            guard begin < end else { return }
            ck_matmul_rows(typeCode, weights.pointer, columns, Int64(begin), Int64(end), input.pointer, Int64(tokens),
                           output.pointer, Int64(outputStride))
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

/// A pointer that may cross into `concurrentPerform`: each iteration writes a
/// disjoint part of the memory it points to.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

struct SendableRawPointer: @unchecked Sendable {
    let pointer: UnsafeRawPointer
    init(_ pointer: UnsafeRawPointer) { self.pointer = pointer }
}

/// How finely to split a product across threads.
enum ParallelRows {
    /// Number of worker threads; set once at start-up (`--threads`).
    nonisolated(unsafe) static var threadCount = defaultThreadCount

    static var defaultThreadCount: Int {
        max(1, System.activeProcessorCount)
    }

    static func chunkCount(rows: Int, work: Int) -> Int {
        // Small products are not worth a thread hand-off.
        guard threadCount > 1, work >= 1 << 16 else { return 1 }
        return min(rows, threadCount * 4)
    }
}
