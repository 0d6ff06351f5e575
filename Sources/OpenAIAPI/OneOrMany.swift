/// A field the API lets clients write as one value or as an array (`stop`, `prompt`).
public struct OneOrMany<Element: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// The values, in order (one when the client wrote a single value).
    public var values: [Element]

    /// The given values.
    public init(_ values: [Element]) {
        self.values = values
    }

    /// Reads one value or an array of them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(Element.self) {
            values = [one]
        } else if let many = try? container.decode([Element].self) {
            values = many
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected one value or an array of them")
        }
    }

    /// Writes the values as an array.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}
