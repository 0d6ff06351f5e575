/// Typed access to metadata: a missing required key or a value of the wrong type
/// throws an error naming the key.
extension GGUFFile {
    /// The integer at `key`, or `nil` when absent.
    public func integer(_ key: String) throws(GGUFError) -> Int? {
        guard let value = metadata[key] else { return nil }
        if case .uint64(let huge) = value, huge > UInt64(Int.max) {
            throw .invalidValue(key: key, reason: "\(huge) is too large for a count or size")
        }
        guard let integer = value.integer else {
            throw .wrongKeyType(key: key, expected: "an integer", found: value.typeDescription)
        }
        return integer
    }

    /// The integer at `key`; throws when it is missing.
    public func requiredInteger(_ key: String) throws(GGUFError) -> Int {
        guard let value = try integer(key) else { throw .missingKey(key) }
        return value
    }

    /// The number at `key` (float or integer), or `nil` when absent.
    public func double(_ key: String) throws(GGUFError) -> Double? {
        guard let value = metadata[key] else { return nil }
        guard let number = value.double else {
            throw .wrongKeyType(key: key, expected: "a number", found: value.typeDescription)
        }
        return number
    }

    /// The string at `key`, or `nil` when absent.
    public func string(_ key: String) throws(GGUFError) -> String? {
        guard let value = metadata[key] else { return nil }
        guard let string = value.string else {
            throw .wrongKeyType(key: key, expected: "a string", found: value.typeDescription)
        }
        return string
    }

    /// The string at `key`; throws when it is missing.
    public func requiredString(_ key: String) throws(GGUFError) -> String {
        guard let value = try string(key) else { throw .missingKey(key) }
        return value
    }

    /// The boolean at `key`, or `nil` when absent.
    public func bool(_ key: String) throws(GGUFError) -> Bool? {
        guard let value = metadata[key] else { return nil }
        guard let bool = value.bool else {
            throw .wrongKeyType(key: key, expected: "a bool", found: value.typeDescription)
        }
        return bool
    }

    /// The array of strings at `key`, or `nil` when absent.
    public func stringArray(_ key: String) throws(GGUFError) -> [String]? {
        guard let value = metadata[key] else { return nil }
        guard case .array(.string, let values) = value else {
            throw .wrongKeyType(key: key, expected: "an array of strings", found: value.typeDescription)
        }
        return values.map { $0.string! }
    }

    /// The array of numbers at `key` as `Float`, or `nil` when absent.
    public func floatArray(_ key: String) throws(GGUFError) -> [Float]? {
        guard let value = metadata[key] else { return nil }
        guard case .array(let type, let values) = value, type != .string, type != .array, type != .bool else {
            throw .wrongKeyType(key: key, expected: "an array of numbers", found: value.typeDescription)
        }
        return values.map { Float($0.double!) }
    }

    /// The array of integers at `key`, or `nil` when absent.
    public func integerArray(_ key: String) throws(GGUFError) -> [Int]? {
        guard let value = metadata[key] else { return nil }
        guard case .array(_, let values) = value, let integers = Optional(values.compactMap(\.integer)),
              integers.count == values.count
        else {
            throw .wrongKeyType(key: key, expected: "an array of integers", found: value.typeDescription)
        }
        return integers
    }
}
