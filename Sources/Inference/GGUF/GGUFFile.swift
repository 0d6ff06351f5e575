/// A GGUF model file, memory-mapped and validated.
///
/// Layout (GGUF v2/v3, little-endian): magic "GGUF", version, tensor count, key/value
/// count, the key/values, the tensor infos, padding to `general.alignment`, then the
/// tensor data. Every count, offset and size is checked against the file before it is
/// used, so a malformed file produces a `GGUFError` naming the problem — never a crash
/// or an allocation sized by a corrupt count.
public final class GGUFFile: Sendable {
    /// The mapped file; tensor data views point into it.
    public let mapped: MappedFile
    /// The format version (2 or 3).
    public let version: UInt32
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Metadata by key.
    public let metadata: [String: GGUFValue]
    /// Tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    /// Tensor infos by name.
    public let tensorsByName: [String: GGUFTensorInfo]
    /// Alignment of the tensor data, from `general.alignment` (default 32).
    public let alignment: Int
    /// Absolute offset of the tensor data section.
    public let dataOffset: Int

    /// Size of the file in bytes.
    public var fileSize: Int { mapped.bytes.count }
    /// The path the file was opened from.
    public var path: String { mapped.path }

    static let magic: [UInt8] = Array("GGUF".utf8)
    static let defaultAlignment = 32
    static let maximumDimensions = 4
    static let maximumArrayDepth = 8

    /// Opens, maps and validates the GGUF file at `path`.
    public convenience init(path: String) throws(GGUFError) {
        try self.init(mapped: MappedFile(path: path))
    }

    /// Validates an already-mapped file.
    public init(mapped: MappedFile) throws(GGUFError) {
        self.mapped = mapped
        var cursor = GGUFByteCursor(bytes: mapped.bytes)

        // Header.
        guard mapped.bytes.count >= 4 else {
            throw .truncated(what: "the magic number", offset: 0, needed: 4, fileSize: mapped.bytes.count)
        }
        let magic = Array(mapped.bytes[0..<4])
        guard magic == Self.magic else { throw .badMagic(found: magic) }
        cursor = GGUFByteCursor(bytes: mapped.bytes, offset: 4)
        version = try cursor.read(UInt32.self, for: "the version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(version) }
        let tensorCount = try cursor.read(UInt64.self, for: "the tensor count")
        let keyValueCount = try cursor.read(UInt64.self, for: "the metadata count")

        // Key/values. Each needs at least a key length, a type and one byte.
        try Self.checkCount(keyValueCount, what: "metadata count", minimumSize: 13, cursor: cursor)
        var keys: [String] = []
        var values: [String: GGUFValue] = [:]
        keys.reserveCapacity(Int(keyValueCount))
        for index in 0..<Int(keyValueCount) {
            let key = try cursor.readString(for: "the name of metadata entry \(index)")
            let rawType = try cursor.read(UInt32.self, for: "the type of key '\(key)'")
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw .invalidValueType(key: key, rawType: rawType)
            }
            let value = try Self.readValue(type, key: key, depth: 0, cursor: &cursor)
            guard values.updateValue(value, forKey: key) == nil else { throw .duplicateKey(key) }
            keys.append(key)
        }
        metadataKeys = keys
        metadata = values

        if let value = values["general.alignment"] {
            guard let raw = value.integer else {
                throw .wrongKeyType(key: "general.alignment", expected: "an integer", found: value.typeDescription)
            }
            guard raw > 0, raw <= 65536, raw & (raw - 1) == 0 else { throw .badAlignment(UInt64(clamping: raw)) }
            alignment = raw
        } else {
            alignment = Self.defaultAlignment
        }

        // Tensor infos. Each needs at least a name length, a dimension count, one
        // dimension, a type and an offset.
        try Self.checkCount(tensorCount, what: "tensor count", minimumSize: 32, cursor: cursor)
        var infos: [(name: String, type: GGMLType, shape: [Int], relativeOffset: UInt64, byteCount: Int)] = []
        infos.reserveCapacity(Int(tensorCount))
        var seen = Set<String>()
        for index in 0..<Int(tensorCount) {
            let name = try cursor.readString(for: "the name of tensor \(index)")
            guard seen.insert(name).inserted else { throw .duplicateTensor(name) }
            let dimensionCount = try cursor.read(UInt32.self, for: "the dimension count of tensor '\(name)'")
            guard (1...UInt32(Self.maximumDimensions)).contains(dimensionCount) else {
                throw .badTensorShape(tensor: name, reason: "\(dimensionCount) dimensions (1 to \(Self.maximumDimensions) allowed)")
            }
            var shape: [Int] = []
            var elements: Int = 1
            for axis in 0..<Int(dimensionCount) {
                let size = try cursor.read(UInt64.self, for: "dimension \(axis) of tensor '\(name)'")
                guard size <= UInt64(Int64.max) else {
                    throw .badTensorShape(tensor: name, reason: "dimension \(axis) is \(size)")
                }
                let (product, overflow) = elements.multipliedReportingOverflow(by: Int(size))
                guard !overflow else {
                    throw .badTensorShape(tensor: name, reason: "the element count overflows")
                }
                elements = product
                shape.append(Int(size))
            }
            let rawType = try cursor.read(UInt32.self, for: "the type of tensor '\(name)'")
            guard let type = GGMLType(rawValue: rawType) else {
                throw .unknownTensorType(tensor: name, rawType: rawType)
            }
            guard shape[0] % type.blockSize == 0 else {
                throw .badTensorShape(
                    tensor: name, reason: "the row length \(shape[0]) is not a multiple of the \(type.name) block size \(type.blockSize)")
            }
            let (rowBytes, rowOverflow) = (shape[0] / type.blockSize).multipliedReportingOverflow(by: type.typeSize)
            let (byteCount, overflow) = rowBytes.multipliedReportingOverflow(by: elements / max(shape[0], 1))
            guard !rowOverflow, !overflow else { throw .badTensorShape(tensor: name, reason: "the byte size overflows") }
            let offset = try cursor.read(UInt64.self, for: "the data offset of tensor '\(name)'")
            guard offset % UInt64(alignment) == 0 else {
                throw .misalignedTensor(tensor: name, offset: offset, alignment: alignment)
            }
            infos.append((name, type, shape, offset, shape[0] == 0 ? 0 : byteCount))
        }

        // Tensor data: aligned after the infos. A file without tensors (a vocabulary-only
        // file) may end right after its metadata.
        let unaligned = cursor.offset
        let aligned = (unaligned + alignment - 1) / alignment * alignment
        if infos.isEmpty {
            dataOffset = min(aligned, mapped.bytes.count)
        } else {
            guard aligned <= mapped.bytes.count else {
                throw .truncated(what: "the tensor data", offset: unaligned, needed: aligned - unaligned, fileSize: mapped.bytes.count)
            }
            dataOffset = aligned
        }
        let dataSize = mapped.bytes.count - dataOffset
        var built: [GGUFTensorInfo] = []
        built.reserveCapacity(infos.count)
        for info in infos {
            let (end, overflow) = info.relativeOffset.addingReportingOverflow(UInt64(info.byteCount))
            guard !overflow, end <= UInt64(dataSize) else {
                throw .tensorOutOfBounds(tensor: info.name, end: overflow ? .max : end, dataSize: dataSize)
            }
            built.append(GGUFTensorInfo(
                name: info.name, type: info.type, shape: info.shape,
                fileOffset: dataOffset + Int(info.relativeOffset), byteCount: info.byteCount))
        }
        let byStart = built.filter { $0.byteCount > 0 }.sorted { $0.fileOffset < $1.fileOffset }
        for (previous, next) in zip(byStart, byStart.dropFirst())
        where previous.fileOffset + previous.byteCount > next.fileOffset {
            throw .overlappingTensors(first: previous.name, second: next.name)
        }
        tensors = built
        tensorsByName = Dictionary(uniqueKeysWithValues: built.map { ($0.name, $0) })
    }

    /// The bytes of one tensor, valid while this file is alive.
    public func data(for tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: mapped.bytes[tensor.fileOffset..<(tensor.fileOffset + tensor.byteCount)])
    }

    // MARK: - Reading values

    private static func checkCount(
        _ count: UInt64, what: String, minimumSize: Int, cursor: GGUFByteCursor
    ) throws(GGUFError) {
        let limit = UInt64(cursor.remaining / minimumSize)
        guard count <= limit else { throw .absurdCount(what: what, count: count, limit: limit) }
    }

    private static func readValue(
        _ type: GGUFValueType, key: String, depth: Int, cursor: inout GGUFByteCursor
    ) throws(GGUFError) -> GGUFValue {
        let what = "the value of key '\(key)'"
        switch type {
        case .uint8: return .uint8(try cursor.read(UInt8.self, for: what))
        case .int8: return .int8(try cursor.read(Int8.self, for: what))
        case .uint16: return .uint16(try cursor.read(UInt16.self, for: what))
        case .int16: return .int16(try cursor.read(Int16.self, for: what))
        case .uint32: return .uint32(try cursor.read(UInt32.self, for: what))
        case .int32: return .int32(try cursor.read(Int32.self, for: what))
        case .uint64: return .uint64(try cursor.read(UInt64.self, for: what))
        case .int64: return .int64(try cursor.read(Int64.self, for: what))
        case .float32: return .float32(try cursor.readFloat(for: what))
        case .float64: return .float64(try cursor.readDouble(for: what))
        case .bool:
            let raw = try cursor.read(UInt8.self, for: what)
            guard raw <= 1 else { throw .invalidValue(key: key, reason: "a bool stored as \(raw)") }
            return .bool(raw == 1)
        case .string: return .string(try cursor.readString(for: what))
        case .array:
            guard depth < maximumArrayDepth else {
                throw .invalidValue(key: key, reason: "arrays nested deeper than \(maximumArrayDepth) levels")
            }
            let rawElement = try cursor.read(UInt32.self, for: "the element type of key '\(key)'")
            guard let elementType = GGUFValueType(rawValue: rawElement) else {
                throw .invalidValueType(key: key, rawType: rawElement)
            }
            let count = try cursor.read(UInt64.self, for: "the element count of key '\(key)'")
            try checkCount(count, what: "element count of key '\(key)'", minimumSize: elementType.minimumSize, cursor: cursor)
            var values: [GGUFValue] = []
            values.reserveCapacity(Int(count))
            for _ in 0..<Int(count) {
                values.append(try readValue(elementType, key: key, depth: depth + 1, cursor: &cursor))
            }
            return .array(elementType: elementType, values: values)
        }
    }
}
