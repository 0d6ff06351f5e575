import MCP

/// The JSON Schema of a served tool's arguments, kept as data: an object with one
/// property per argument, each a string or a number with the text a client's model
/// reads about it. It renders itself as the `inputSchema` of `tools/list` and reads
/// a `tools/call`'s arguments back, naming what is wrong with them.
public struct ToolInputSchema: Sendable, Equatable {
    /// The JSON types an argument may have.
    public enum Kind: String, Sendable {
        /// A JSON string.
        case string
        /// A JSON number (an integer or not).
        case number
    }

    /// One argument.
    public struct Property: Sendable, Equatable {
        /// Its name in the arguments object, e.g. "expression".
        public var name: String
        /// Its JSON type.
        public var kind: Kind
        /// What it is, for the client's model.
        public var description: String
        /// Whether a call must give it.
        public var required: Bool

        /// An argument of `kind` called `name`.
        public init(_ name: String, _ kind: Kind, _ description: String, required: Bool = true) {
            self.name = name
            self.kind = kind
            self.description = description
            self.required = required
        }
    }

    /// The arguments, in the order the schema lists them.
    public var properties: [Property]

    /// A schema of `properties`.
    public init(_ properties: [Property]) {
        self.properties = properties
    }

    /// The schema as JSON: `{"type": "object", "properties": {…}, "required": […],
    /// "additionalProperties": false}`.
    public var value: Value {
        var described: [String: Value] = [:]
        for property in properties {
            described[property.name] = ["type": .string(property.kind.rawValue), "description": .string(property.description)]
        }
        return [
            "type": "object",
            "properties": .object(described),
            "required": .array(properties.filter(\.required).map { .string($0.name) }),
            "additionalProperties": false,
        ]
    }

    /// The arguments of a call, checked against the schema: every required one present,
    /// each of its type, none unknown. Integers are numbers too.
    public func read(_ arguments: [String: Value]?) throws(ToolArgumentError) -> ToolArguments {
        let arguments = arguments ?? [:]
        let known = Set(properties.map(\.name))
        if let unknown = arguments.keys.sorted().first(where: { !known.contains($0) }) {
            throw .unknown(unknown, expected: properties.map(\.name))
        }
        var strings: [String: String] = [:]
        var numbers: [String: Double] = [:]
        for property in properties {
            guard let given = arguments[property.name], given != .null else {
                if property.required { throw .missing(property.name) }
                continue
            }
            switch (property.kind, given) {
            case (.string, .string(let text)): strings[property.name] = text
            case (.number, .int(let number)): numbers[property.name] = Double(number)
            case (.number, .double(let number)) where number.isFinite: numbers[property.name] = number
            default: throw .wrongType(property.name, expected: property.kind)
            }
        }
        return ToolArguments(strings: strings, numbers: numbers)
    }
}

/// A call's arguments once checked against its tool's schema.
public struct ToolArguments: Sendable, Equatable {
    /// The string arguments given, by name.
    public var strings: [String: String]
    /// The number arguments given, by name.
    public var numbers: [String: Double]
}

/// What is wrong with a call's arguments; the tool's result says so with `isError`.
public enum ToolArgumentError: Error, Equatable, CustomStringConvertible {
    /// A required argument is absent (or null).
    case missing(String)
    /// An argument has another JSON type than the schema's.
    case wrongType(String, expected: ToolInputSchema.Kind)
    /// An argument the schema does not have.
    case unknown(String, expected: [String])
    /// An argument of the right type whose value cannot be used.
    case invalid(String, reason: String)

    /// "error: …", naming the argument, as the client's model reads it.
    public var description: String {
        switch self {
        case .missing(let name):
            return "error: the argument '\(name)' is missing"
        case .wrongType(let name, let expected):
            return "error: the argument '\(name)' must be a \(expected.rawValue)"
        case .unknown(let name, let expected):
            return "error: unknown argument '\(name)' (this tool takes \(expected.map { "'\($0)'" }.joined(separator: ", ")))"
        case .invalid(let name, let reason):
            return "error: the argument '\(name)' \(reason)"
        }
    }
}
