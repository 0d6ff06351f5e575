import OpenAIAPI

/// Checks a request's `tools` before anything is generated: each must be a
/// function with a usable name and, when it has `parameters`, a JSON Schema of an
/// object (as OpenAI requires), whose `properties` are schemas and whose
/// `required` names are strings. A wrong one is a 400 naming the field.
enum ToolValidation {
    /// OpenAI's own limit on the number of tools in one request.
    static let maximumTools = 128

    static func check(_ tools: [ToolDefinition]) throws(APIError) {
        guard tools.count <= maximumTools else {
            throw .invalid("'tools' has \(tools.count) functions; at most \(maximumTools) are allowed", param: "tools")
        }
        for (index, tool) in tools.enumerated() {
            let field = "tools[\(index)]"
            guard tool.type == "function" else {
                throw .invalid("\(field).type must be \"function\"", param: "\(field).type")
            }
            let name = tool.function.name
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw .invalid("\(field).function.name must be 1 to 64 letters, digits, '_' or '-'", param: "\(field).function.name")
            }
            if let parameters = tool.function.parameters {
                try checkParameters(parameters, field: "\(field).function.parameters")
            }
        }
    }

    /// A function's `parameters`: an object schema.
    static func checkParameters(_ schema: JSONValue, field: String) throws(APIError) {
        guard case .object(let members) = schema else {
            throw .invalid(
                "\(field) must be a JSON Schema object, e.g. {\"type\": \"object\", \"properties\": {…}}; got \(kind(of: schema))",
                param: field)
        }
        if let type = members["type"], type != .string("object") {
            throw .invalid("\(field).type must be \"object\" (a function takes named arguments)", param: "\(field).type")
        }
        if let properties = members["properties"] {
            guard case .object(let named) = properties else {
                throw .invalid("\(field).properties must be an object of schemas; got \(kind(of: properties))", param: "\(field).properties")
            }
            for (name, property) in named.sorted(by: { $0.key < $1.key }) {
                try checkProperty(property, field: "\(field).properties.\(name)")
            }
        }
        if let required = members["required"] {
            guard case .array(let names) = required, names.allSatisfy({ $0.stringValue != nil }) else {
                throw .invalid("\(field).required must be an array of property names", param: "\(field).required")
            }
        }
    }

    /// One property's schema: an object whose `type` (if given) is a name or names,
    /// and whose `enum` (if given) is an array.
    static func checkProperty(_ schema: JSONValue, field: String) throws(APIError) {
        guard case .object(let members) = schema else {
            throw .invalid("\(field) must be a JSON Schema object; got \(kind(of: schema))", param: field)
        }
        switch members["type"] {
        case nil, .string?:
            break
        case .array(let names)? where names.allSatisfy({ $0.stringValue != nil }):
            break
        default:
            throw .invalid("\(field).type must be a type name or an array of them", param: "\(field).type")
        }
        if let options = members["enum"] {
            guard case .array = options else { throw .invalid("\(field).enum must be an array", param: "\(field).enum") }
        }
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
