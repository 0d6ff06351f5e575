/// Everything that can be wrong with a GGUF file, each case naming the problem
/// precisely enough for a person to know what to do. Names taken from the file are
/// shown with control and bidirectional characters escaped.
public enum GGUFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or mapped.
    case cannotOpen(path: String, reason: String)
    /// The file does not start with "GGUF".
    case badMagic(found: [UInt8])
    /// The GGUF version is not 2 or 3.
    case unsupportedVersion(UInt32)
    /// The file ends before a part it declares.
    case truncated(what: String, offset: Int, needed: Int, fileSize: Int)
    /// A count is larger than the file could hold.
    case absurdCount(what: String, count: UInt64, limit: UInt64)
    /// A metadata value has a type code the format does not define.
    case invalidValueType(key: String, rawType: UInt32)
    /// A metadata key appears more than once.
    case duplicateKey(String)
    /// `general.alignment` is not a power of two up to 65536.
    case badAlignment(UInt64)
    /// A tensor name appears more than once.
    case duplicateTensor(String)
    /// A tensor's dimensions are unusable.
    case badTensorShape(tensor: String, reason: String)
    /// A tensor has a type code GGML does not define.
    case unknownTensorType(tensor: String, rawType: UInt32)
    /// A tensor's data does not start on the file's alignment.
    case misalignedTensor(tensor: String, offset: UInt64, alignment: Int)
    /// A tensor's data runs past the end of the data section.
    case tensorOutOfBounds(tensor: String, end: UInt64, dataSize: Int)
    /// Two tensors share bytes of the data section.
    case overlappingTensors(first: String, second: String)
    /// A required metadata key is absent.
    case missingKey(String)
    /// A metadata key holds a value of another type than expected.
    case wrongKeyType(key: String, expected: String, found: String)
    /// A metadata value has the right type but an unusable value.
    case invalidValue(key: String, reason: String)

    /// What went wrong and, where possible, what to do about it.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open '\(path.escapedForDisplay)': \(reason.escapedForDisplay)"
        case .badMagic(let found):
            let shown = found.map { (32..<127).contains($0) ? String(UnicodeScalar($0)) : "." }.joined()
            return "not a GGUF file: the first bytes are '\(shown)', expected 'GGUF'"
        case .unsupportedVersion(let version):
            return "unsupported GGUF version \(version) (supported: 2 and 3); re-convert the model with a current llama.cpp"
        case .truncated(let what, let offset, let needed, let fileSize):
            return "file is truncated: \(what.escapedForDisplay) at byte \(offset) needs \(needed) bytes, but the file has \(fileSize) bytes"
        case .absurdCount(let what, let count, let limit):
            return "implausible \(what.escapedForDisplay): \(count) (at most \(limit) fit in this file)"
        case .invalidValueType(let key, let rawType):
            return "metadata key '\(key.escapedForDisplay)' has an unknown value type \(rawType)"
        case .duplicateKey(let key):
            return "metadata key '\(key.escapedForDisplay)' appears twice"
        case .badAlignment(let alignment):
            return "general.alignment is \(alignment); it must be a power of two between 1 and 65536"
        case .duplicateTensor(let name):
            return "tensor '\(name.escapedForDisplay)' appears twice"
        case .badTensorShape(let tensor, let reason):
            return "tensor '\(tensor.escapedForDisplay)' has a bad shape: \(reason.escapedForDisplay)"
        case .unknownTensorType(let tensor, let rawType):
            return "tensor '\(tensor.escapedForDisplay)' has an unknown type \(rawType)"
        case .misalignedTensor(let tensor, let offset, let alignment):
            return "tensor '\(tensor.escapedForDisplay)' starts at data offset \(offset), which is not a multiple of the alignment \(alignment)"
        case .tensorOutOfBounds(let tensor, let end, let dataSize):
            return "tensor '\(tensor.escapedForDisplay)' ends at data offset \(end), past the end of the tensor data (\(dataSize) bytes); the file is truncated or corrupt"
        case .overlappingTensors(let first, let second):
            return "tensors '\(first.escapedForDisplay)' and '\(second.escapedForDisplay)' overlap in the file"
        case .missingKey(let key):
            return "required metadata key '\(key.escapedForDisplay)' is missing"
        case .wrongKeyType(let key, let expected, let found):
            return "metadata key '\(key.escapedForDisplay)' is \(found), expected \(expected)"
        case .invalidValue(let key, let reason):
            return "metadata key '\(key.escapedForDisplay)' has an invalid value: \(reason.escapedForDisplay)"
        }
    }
}
