import Agent
import Foundation
import Inference
import OpenAIAPI

/// Writes a function call once the model has opened one, or the request forces one.
///
/// The server lays out the call's JSON and the model writes only the values: the
/// function's name (when it is not known yet) up to its closing quote, then each
/// argument the schema requires, as a string, number or boolean, each ended by the
/// character that ends such a value. The arguments are therefore always valid JSON
/// of the schema's shape, even from a small model. Arguments of other shapes
/// (objects, arrays) are written freely and read back as JSON.
///
/// When the request forces a call (`tool_choice` "required" or a named function)
/// there is always one: a value the model could not write takes its type's empty
/// value (0, false, "", the first allowed choice).
final class ToolCallWriter {
    /// Continues the assistant's `text` until a stop string or `maximumTokens`.
    typealias Generate = (_ text: String, _ stopStrings: [String], _ maximumTokens: Int) async throws -> GenerationResult

    let tools: [FunctionDefinition]
    private let continueText: Generate
    /// Tokens the model wrote for calls so far.
    private(set) var generatedTokens = 0

    init(tools: [FunctionDefinition], generate: @escaping Generate) {
        self.tools = tools
        continueText = generate
    }

    private func generate(_ text: String, _ stopStrings: [String], _ maximumTokens: Int) async throws -> GenerationResult {
        let result = try await continueText(text, stopStrings, maximumTokens)
        generatedTokens += result.tokens.count
        return result
    }

    /// The call after `text`, which ends with an opening marker (`<tool_call>`, or a
    /// function's inline marker such as `<get_weather>`). `name` is the function when
    /// already known; otherwise the model names it, and with `mustCall` the closest
    /// function is taken even if the model's name matches none. Nil when no call can
    /// be written.
    func write(after text: String, opening: String, name known: String?, mustCall: Bool) async throws -> ToolCallObject? {
        var text = text
        var name = known
        if opening == HermesToolCall.opening {
            text += "\n{\"name\": \""
            if name == nil {
                let written = try await generate(text, ["\""], 16)
                name = closestName(to: written.text, mustCall: mustCall)
            }
            guard let name else { return nil }
            text += name + "\", \"arguments\": "
        }
        guard let function = tools.first(where: { $0.name == name }) else { return nil }
        var arguments = try await guidedArguments(function, after: text, mustCall: mustCall)
        if arguments == nil { arguments = try await freeArguments(after: text) }
        if arguments == nil, mustCall { arguments = Self.emptyArguments(function) }
        guard let arguments else { return nil }
        return ToolCallObject(id: ToolCallReply.newID(), name: function.name, arguments: arguments)
    }

    /// The function whose name the model's text names (exactly, by prefix, or by the
    /// longest common beginning).
    func closestName(to written: String, mustCall: Bool) -> String? {
        let names = tools.map(\.name)
        if let exact = names.first(where: { $0 == written }) { return exact }
        if !written.isEmpty, let prefixed = names.first(where: { $0.hasPrefix(written) || written.hasPrefix($0) }) { return prefixed }
        let shared = names.map { ($0, zip($0, written).prefix { $0 == $1 }.count) }
        if let best = shared.max(by: { $0.1 < $1.1 }), best.1 > 0 { return best.0 }
        return mustCall ? names.first : nil
    }

    /// Arguments written value by value; nil when the schema has a shape this does
    /// not guide (then they are written freely), or, unless `mustCall`, when the
    /// model writes a value of the wrong kind (with `mustCall` it takes the empty value).
    func guidedArguments(_ function: FunctionDefinition, after start: String, mustCall: Bool = false) async throws -> String? {
        let schema = function.parameters?.objectValue ?? [:]
        let properties = schema["properties"]?.objectValue ?? [:]
        var keys: [String] = []
        if case .array(let required)? = schema["required"] {
            keys = required.compactMap(\.stringValue).filter { properties[$0] != nil }
        }
        if keys.isEmpty { keys = properties.keys.sorted() }
        var text = start
        var values: [String: JSONValue] = [:]
        for (index, key) in keys.enumerated() {
            let property = properties[key]?.objectValue ?? [:]
            text += (index == 0 ? "{" : ", ") + JSONValue.string(key).jsonText + ": "
            let options = Self.enumStrings(property)
            switch Self.typeName(property) ?? (options != nil ? "string" : nil) {
            case "string":
                text += "\""
                let written = try await generate(text, ["\""], 64)
                var value = written.text
                if let options {
                    guard let chosen = Self.choose(value, among: options) ?? (mustCall ? options[0] : nil) else { return nil }
                    value = chosen
                }
                values[key] = .string(value)
                text += String(JSONValue.string(value).jsonText.dropFirst())
            case "integer", "number":
                let written = try await generate(text, [",", "}", "\n"], 16)
                guard var number = Self.leadingNumber(written.text) ?? (mustCall ? 0 : nil) else { return nil }
                if Self.typeName(property) == "integer" { number = number.rounded(.towardZero) }
                values[key] = .number(number)
                text += JSONValue.number(number).jsonText
            case "boolean":
                let written = try await generate(text, [",", "}", "\n"], 4)
                var word = written.text.trimmingCharacters(in: .whitespaces).lowercased()
                if !word.hasPrefix("true"), !word.hasPrefix("false") {
                    guard mustCall else { return nil }
                    word = "false"
                }
                values[key] = .bool(word.hasPrefix("true"))
                text += word.hasPrefix("true") ? "true" : "false"
            default:
                return nil
            }
        }
        return JSONValue.object(values).jsonText
    }

    /// Arguments the model writes as it likes, read back as the first JSON object.
    func freeArguments(after text: String) async throws -> String? {
        let written = try await generate(text, [HermesToolCall.closing, "\n\n"], 256)
        guard let object = HermesToolCall.firstObject(in: written.text), case .object(let members)? = JSONValue.parse(String(object)) else {
            return nil
        }
        return JSONValue.object(members).jsonText
    }

    /// Arguments of the schema's shape with every required value empty: the last
    /// resort of a call the request forces.
    static func emptyArguments(_ function: FunctionDefinition) -> String {
        let schema = function.parameters?.objectValue ?? [:]
        let properties = schema["properties"]?.objectValue ?? [:]
        var values: [String: JSONValue] = [:]
        if case .array(let required)? = schema["required"] {
            for key in required.compactMap(\.stringValue) {
                let property = properties[key]?.objectValue ?? [:]
                if let first = Self.enumStrings(property)?.first {
                    values[key] = .string(first)
                    continue
                }
                switch typeName(property) {
                case "integer", "number": values[key] = .number(0)
                case "boolean": values[key] = .bool(false)
                case "array": values[key] = .array([])
                case "object": values[key] = .object([:])
                case "null": values[key] = .null
                default: values[key] = .string("")
                }
            }
        }
        return JSONValue.object(values).jsonText
    }

    static func typeName(_ property: [String: JSONValue]) -> String? {
        switch property["type"] {
        case .string(let name)?: name
        case .array(let names)?: names.compactMap(\.stringValue).first { $0 != "null" }
        default: nil
        }
    }

    static func enumStrings(_ property: [String: JSONValue]) -> [String]? {
        guard case .array(let values)? = property["enum"] else { return nil }
        let strings = values.compactMap(\.stringValue)
        return strings.isEmpty ? nil : strings
    }

    /// The allowed value the model meant: equal, or starting the same way (ignoring case).
    static func choose(_ written: String, among options: [String]) -> String? {
        let lowered = written.lowercased()
        if let exact = options.first(where: { $0.lowercased() == lowered }) { return exact }
        guard !lowered.isEmpty else { return nil }
        return options.first { $0.lowercased().hasPrefix(lowered) || lowered.hasPrefix($0.lowercased()) }
    }

    /// The number at the start of `text` ("42", " -3.5e2"), if there is one.
    static func leadingNumber(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var end = trimmed.startIndex
        for index in trimmed.indices {
            let character = trimmed[index]
            guard character.isNumber || "+-.eE".contains(character) else { break }
            end = trimmed.index(after: index)
        }
        var candidate = String(trimmed[..<end])
        while !candidate.isEmpty {
            if let value = Double(candidate), value.isFinite { return value }
            candidate.removeLast()
        }
        return nil
    }
}
