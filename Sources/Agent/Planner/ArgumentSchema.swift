import Foundation

/// The arguments a tool with a JSON Schema takes (`Tool.inputSchema`), read far
/// enough to write a call: each argument's name and kind, in the order a call
/// writes them.
///
/// Only the shapes a planner can lay out value by value are told apart (strings,
/// numbers, whole numbers, booleans, a choice among strings); anything else is
/// `other` and gets its type's empty value when it must be given.
public struct ArgumentSchema: Sendable, Equatable {
    /// What one argument holds.
    public enum Kind: Sendable, Equatable {
        /// Text, written up to its closing quote.
        case string
        /// A number (a JSON number, possibly with a fraction).
        case number
        /// A whole number.
        case integer
        /// `true` or `false`.
        case boolean
        /// One of these strings (the schema's `enum`).
        case choice([String])
        /// An array, object or null: not written by the model.
        case other(type: String)
    }

    /// One argument.
    public struct Argument: Sendable, Equatable {
        /// Its key in the arguments object.
        public var name: String
        /// What it holds.
        public var kind: Kind
        /// The schema's description of it, if any.
        public var description: String?
        /// Whether the schema requires it.
        public var required: Bool
    }

    /// Every argument the schema names: the required ones first, in the schema's
    /// `required` order, then the others in the order the schema's text lists them.
    public let arguments: [Argument]

    /// The arguments a call writes: the required ones, or every one when none is
    /// required.
    public var written: [Argument] {
        let required = arguments.filter(\.required)
        return required.isEmpty ? arguments : required
    }

    /// The schema in `json` (a JSON Schema object, as text); nil when it is not a JSON
    /// object.
    public init?(json: String) {
        guard let data = json.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        else { return nil }
        let properties = object["properties"] as? [String: Any] ?? [:]
        let required = (object["required"] as? [Any] ?? []).compactMap { $0 as? String }.filter { properties[$0] != nil }
        // Dictionaries forget the order of keys; the text keeps it.
        let others = properties.keys.filter { !required.contains($0) }
            .sorted { Self.position(of: $0, in: json) < Self.position(of: $1, in: json) }
        arguments = (required + others).map { name in
            let property = properties[name] as? [String: Any] ?? [:]
            return Argument(
                name: name, kind: Self.kind(of: property), description: property["description"] as? String, required: required.contains(name))
        }
    }

    /// A schema of exactly `arguments` (tests, built-in tools).
    public init(arguments: [Argument]) {
        self.arguments = arguments
    }

    static func kind(of property: [String: Any]) -> Kind {
        if let options = property["enum"] as? [Any] {
            let strings = options.compactMap { $0 as? String }
            if !strings.isEmpty, strings.count == options.count { return .choice(strings) }
        }
        var type = property["type"] as? String
        if let types = property["type"] as? [Any] {
            type = types.compactMap { $0 as? String }.first { $0 != "null" }
        }
        if type == nil, let alternatives = property["anyOf"] as? [[String: Any]] {
            // Optional[float] in Pydantic: {"anyOf": [{"type": "number"}, {"type": "null"}]}.
            type = alternatives.compactMap { $0["type"] as? String }.first { $0 != "null" }
        }
        switch type {
        case "string": return .string
        case "number": return .number
        case "integer": return .integer
        case "boolean": return .boolean
        default: return .other(type: type ?? "string")
        }
    }

    private static func position(of key: String, in json: String) -> Int {
        guard let range = json.range(of: "\"" + key + "\"") else { return .max }
        return json.distance(from: json.startIndex, to: range.lowerBound)
    }

    /// The arguments as a call's layout for a prompt: `{"value": number, "unit": string}`.
    public var layout: String {
        let members = written.map { argument in
            let shown: String
            switch argument.kind {
            case .string: shown = "string"
            case .number: shown = "number"
            case .integer: shown = "integer"
            case .boolean: shown = "true|false"
            case .choice(let options): shown = options.map { "\"\($0)\"" }.joined(separator: "|")
            case .other(let type): shown = type
            }
            return "\"\(argument.name)\": \(shown)"
        }
        return "{" + members.joined(separator: ", ") + "}"
    }
}
