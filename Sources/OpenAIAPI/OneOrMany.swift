/// A field the API lets clients write as one value or as an array (`stop`, `prompt`).
public struct OneOrMany<Element: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var values: [Element]

    public init(_ values: [Element]) {
        self.values = values
    }

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

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}
