/// The value types a GGUF metadata entry can hold, with their on-disk codes.
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    /// Integers of 8 to 32 bits.
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5
    /// Floats, booleans, strings, arrays and the 64-bit types.
    case float32 = 6, bool = 7, string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes per value for fixed-size types; `nil` for strings and arrays.
    var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string, .array: return nil
        }
    }

    /// The fewest bytes one value of this type can occupy: bounds the count of an array.
    var minimumSize: Int {
        switch self {
        case .string: return 8  // a length, possibly zero
        case .array: return 12  // an element type and a count
        default: return fixedSize!
        }
    }
}

/// One metadata value of a GGUF file.
public enum GGUFValue: Sendable, Equatable {
    /// An integer of 8 or 16 bits.
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16)
    /// An integer of 32 or 64 bits.
    case uint32(UInt32), int32(Int32), uint64(UInt64), int64(Int64)
    /// A floating-point number.
    case float32(Float), float64(Double)
    /// A boolean.
    case bool(Bool)
    /// A UTF-8 string.
    case string(String)
    /// An array of values that all have `elementType`.
    case array(elementType: GGUFValueType, values: [GGUFValue])

    /// The value as an integer, if it is one of the integer types and fits in `Int`.
    public var integer: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return Int(exactly: v)
        case .int64(let v): return Int(v)
        default: return nil
        }
    }

    /// The value as a floating-point number, if it is numeric.
    public var double: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        default: return integer.map(Double.init)
        }
    }

    /// The value as a string, if it is one.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as a boolean, if it is one.
    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements, if the value is an array.
    public var array: [GGUFValue]? {
        if case .array(_, let values) = self { return values }
        return nil
    }

    /// A short description of the type, for error messages ("a string", "an array of uint32").
    public var typeDescription: String {
        switch self {
        case .uint8: return "a uint8"
        case .int8: return "an int8"
        case .uint16: return "a uint16"
        case .int16: return "an int16"
        case .uint32: return "a uint32"
        case .int32: return "an int32"
        case .uint64: return "a uint64"
        case .int64: return "an int64"
        case .float32: return "a float32"
        case .float64: return "a float64"
        case .bool: return "a bool"
        case .string: return "a string"
        case .array(let type, let values): return "an array of \(values.count) \(type)"
        }
    }
}
