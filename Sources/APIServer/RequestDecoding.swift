import Foundation

/// Reads a request body as JSON of type `T`, turning the decoder's errors into
/// 400s that name the field and say what was expected.
enum RequestDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(APIError) -> T {
        guard !data.isEmpty else { throw .invalid("the request has no body: send a JSON object") }
        guard (try? JSONSerialization.jsonObject(with: data)) != nil else {
            throw .invalid("the request body is not valid JSON")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw .invalid("the request body could not be read: \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> APIError {
        switch error {
        case .keyNotFound(let key, let context):
            let path = fieldPath(context.codingPath + [key])
            return .invalid("missing required field '\(path)'", param: path)
        case .typeMismatch(let type, let context):
            let path = fieldPath(context.codingPath)
            if path.isEmpty { return .invalid("the request body must be a JSON object") }
            return .invalid("'\(path)' has the wrong type: expected \(typeName(type))", param: path)
        case .valueNotFound(let type, let context):
            let path = fieldPath(context.codingPath)
            return .invalid("'\(path)' is null: expected \(typeName(type))", param: path)
        case .dataCorrupted(let context):
            let path = fieldPath(context.codingPath)
            if path.isEmpty {
                // The body parsed as JSON before: a value is of the wrong kind, e.g. a
                // fraction where a whole number belongs (Foundation names no field then).
                return .invalid("a field has a value of the wrong kind (a fraction where a whole number belongs, or a number too large)")
            }
            return .invalid("'\(path)' is not valid: \(context.debugDescription)", param: path)
        @unknown default:
            return .invalid("the request body could not be read")
        }
    }

    /// `messages[2].content` from a coding path.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    static func typeName(_ type: Any.Type) -> String {
        if type == String.self { return "a string" }
        if type == Bool.self { return "a boolean" }
        if type == Int.self || type == Int64.self { return "an integer" }
        if type == Double.self { return "a number" }
        let name = String(describing: type)
        if name.hasPrefix("Array") { return "an array" }
        if name.hasPrefix("Dictionary") { return "an object" }
        return "a value of the documented shape"
    }
}
