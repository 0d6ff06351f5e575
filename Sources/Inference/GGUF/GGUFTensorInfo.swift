/// Where one tensor lives in a GGUF file and what it holds.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// The element type of the stored data.
    public let type: GGMLType
    /// Dimensions, fastest-varying first (GGML order): a weight matrix is `[columns, rows]`.
    public let shape: [Int]
    /// Absolute byte offset of the data in the file.
    public let fileOffset: Int
    /// Size of the data in bytes.
    public let byteCount: Int

    /// Number of elements (the product of `shape`).
    public var elementCount: Int { shape.reduce(1, *) }
}
