#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a GGUF file could not be written.
public enum GGUFWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file (or its temporary sibling) could not be created, written or renamed.
    case io(path: String, reason: String)
    /// A tensor's data does not have the size its type and shape call for.
    case tensorSize(tensor: String, expected: Int, found: Int)
    /// A tensor's row length is not a whole number of its type's blocks.
    case badShape(tensor: String, shape: [Int], type: String)

    /// What went wrong and where.
    public var description: String {
        switch self {
        case .io(let path, let reason):
            return "cannot write '\(path.escapedForDisplay)': \(reason)"
        case .tensorSize(let tensor, let expected, let found):
            return "tensor '\(tensor.escapedForDisplay)' has \(found) bytes of data, expected \(expected)"
        case .badShape(let tensor, let shape, let type):
            return "tensor '\(tensor.escapedForDisplay)' of shape \(shape) cannot be stored as \(type)"
        }
    }
}

/// Writes a GGUF v3 file: metadata, tensor infos, then each tensor's data aligned to
/// `alignment` — the layout `GGUFFile` reads. Tensor data is asked for one tensor at a
/// time while writing, so a large model can be written without holding it all.
///
/// The file is written beside its destination and renamed into place at the end, so
/// a failed write never leaves a half-written file under the destination's name.
public struct GGUFWriter: Sendable {
    /// A tensor to write: its name, element type and GGML shape (fastest first).
    public struct Tensor: Sendable, Equatable {
        /// The tensor's name, e.g. `blk.0.attn_q.weight.lora_a`.
        public var name: String
        /// The element type of the data.
        public var type: GGMLType
        /// Dimensions, fastest-varying first.
        public var shape: [Int]

        /// A tensor description.
        public init(name: String, type: GGMLType, shape: [Int]) {
            self.name = name
            self.type = type
            self.shape = shape
        }

        /// Bytes of data the type and shape call for.
        public var byteCount: Int {
            guard let columns = shape.first, columns > 0 else { return 0 }
            return columns / type.blockSize * type.typeSize * shape.dropFirst().reduce(1, *)
        }
    }

    /// Metadata entries in the order they are written.
    public var metadata: [(key: String, value: GGUFValue)]
    /// Tensors in the order they are written.
    public var tensors: [Tensor]
    /// Alignment of the tensor data (written as `general.alignment` when not 32).
    public var alignment: Int

    /// A writer for `metadata` and `tensors`.
    public init(metadata: [(key: String, value: GGUFValue)] = [], tensors: [Tensor] = [], alignment: Int = 32) {
        self.metadata = metadata
        self.tensors = tensors
        self.alignment = alignment
    }

    /// Writes the file to `path`; `data(index)` gives the bytes of `tensors[index]`
    /// and is called once per tensor, in order.
    public func write(
        to path: String, data: (Int) throws(GGUFWriteError) -> [UInt8]
    ) throws(GGUFWriteError) {
        try write(to: path) { (index, sink: (UnsafeRawBufferPointer) throws(GGUFWriteError) -> Void) throws(GGUFWriteError) in
            try Self.withBytes(of: try data(index), sink)
        }
    }

    /// Writes the file to `path`; `data(index, sink)` hands the bytes of
    /// `tensors[index]` to `sink` (in as many pieces as it likes), once per tensor in order.
    public func write(
        to path: String,
        data: (Int, (UnsafeRawBufferPointer) throws(GGUFWriteError) -> Void) throws(GGUFWriteError) -> Void
    ) throws(GGUFWriteError) {
        for tensor in tensors {
            guard let columns = tensor.shape.first, columns % tensor.type.blockSize == 0 else {
                throw .badShape(tensor: tensor.name, shape: tensor.shape, type: tensor.type.name)
            }
        }
        var entries = metadata.filter { $0.key != "general.alignment" }
        if alignment != 32 { entries.insert(("general.alignment", .uint32(UInt32(alignment))), at: 0) }

        var header: [UInt8] = Array("GGUF".utf8)
        Self.append(UInt32(3), to: &header)
        Self.append(UInt64(tensors.count), to: &header)
        Self.append(UInt64(entries.count), to: &header)
        for (key, value) in entries {
            Self.append(string: key, to: &header)
            Self.append(value.valueType.rawValue, to: &header)
            Self.append(value: value, to: &header)
        }
        var offset = 0
        for tensor in tensors {
            Self.append(string: tensor.name, to: &header)
            Self.append(UInt32(tensor.shape.count), to: &header)
            for dimension in tensor.shape { Self.append(UInt64(dimension), to: &header) }
            Self.append(tensor.type.rawValue, to: &header)
            Self.append(UInt64(offset), to: &header)
            offset = Self.aligned(offset + tensor.byteCount, to: alignment)
        }
        header += [UInt8](repeating: 0, count: Self.aligned(header.count, to: alignment) - header.count)

        let temporary = path + ".partial"
        guard let handle = fopen(temporary, "wb") else {
            throw .io(path: path, reason: String(cString: strerror(errno)))
        }
        var closed = false
        defer {
            if !closed {
                fclose(handle)
                unlink(temporary)
            }
        }
        func put(_ buffer: UnsafeRawBufferPointer) throws(GGUFWriteError) {
            guard buffer.count > 0 else { return }
            guard fwrite(buffer.baseAddress, 1, buffer.count, handle) == buffer.count else {
                throw .io(path: path, reason: String(cString: strerror(errno)))
            }
        }
        try Self.withBytes(of: header, put)
        let padding = [UInt8](repeating: 0, count: alignment)
        for (index, tensor) in tensors.enumerated() {
            var written = 0
            try data(index) { (buffer) throws(GGUFWriteError) in
                written += buffer.count
                guard written <= tensor.byteCount else {
                    throw .tensorSize(tensor: tensor.name, expected: tensor.byteCount, found: written)
                }
                try put(buffer)
            }
            guard written == tensor.byteCount else {
                throw .tensorSize(tensor: tensor.name, expected: tensor.byteCount, found: written)
            }
            let pad = Self.aligned(written, to: alignment) - written
            if pad > 0 {
                try Self.withBytes(of: Array(padding[0..<pad]), put)
            }
        }
        closed = true
        guard fclose(handle) == 0 else {
            unlink(temporary)
            throw .io(path: path, reason: String(cString: strerror(errno)))
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .io(path: path, reason: reason)
        }
    }

    // MARK: - Encoding

    /// Hands the bytes of `values` to `body`, keeping `body`'s typed error
    /// (`withUnsafeBytes` only rethrows untyped).
    static func withBytes<Element>(
        of values: [Element], _ body: (UnsafeRawBufferPointer) throws(GGUFWriteError) -> Void
    ) throws(GGUFWriteError) {
        let result: Result<Void, GGUFWriteError> = values.withUnsafeBytes { buffer in
            Result { () throws(GGUFWriteError) in try body(buffer) }
        }
        try result.get()
    }

    static func aligned(_ offset: Int, to alignment: Int) -> Int {
        (offset + alignment - 1) / alignment * alignment
    }

    static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    static func append(string: String, to bytes: inout [UInt8]) {
        append(UInt64(string.utf8.count), to: &bytes)
        bytes.append(contentsOf: string.utf8)
    }

    static func append(value: GGUFValue, to bytes: inout [UInt8]) {
        switch value {
        case .uint8(let x): bytes.append(x)
        case .int8(let x): bytes.append(UInt8(bitPattern: x))
        case .uint16(let x): append(x, to: &bytes)
        case .int16(let x): append(x, to: &bytes)
        case .uint32(let x): append(x, to: &bytes)
        case .int32(let x): append(x, to: &bytes)
        case .uint64(let x): append(x, to: &bytes)
        case .int64(let x): append(x, to: &bytes)
        case .float32(let x): append(x.bitPattern, to: &bytes)
        case .float64(let x): append(x.bitPattern, to: &bytes)
        case .bool(let x): bytes.append(x ? 1 : 0)
        case .string(let x): append(string: x, to: &bytes)
        case .array(let type, let values):
            append(type.rawValue, to: &bytes)
            append(UInt64(values.count), to: &bytes)
            for element in values { append(value: element, to: &bytes) }
        }
    }
}

extension GGUFValue {
    /// The on-disk type code of this value.
    var valueType: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .uint64: return .uint64
        case .int64: return .int64
        case .float32: return .float32
        case .float64: return .float64
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        }
    }
}
