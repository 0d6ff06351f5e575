import AgentTools
import Foundation

/// Writes a call's arguments as JSON of its tool's schema, inside an open marker:
/// the planner lays out the object (braces, keys, quotes, commas) and the model
/// writes only the values, each under a constraint for its kind — a string up to
/// its closing quote (when grounded, a copy of words of the question or a result),
/// a number from a numeric alphabet (or, when the question and the results give
/// numbers, one of those), a boolean or an `enum` as a choice.
/// The arguments are therefore always JSON of the schema's shape, even from a
/// small model. Arguments the model cannot write (arrays, objects) get their
/// type's empty value.
struct SchemaArgumentsWriter {
    /// What the writer needs from the model: each kind of value's constraint.
    struct Constraints {
        /// A string's content up to its closing quote.
        var string: any TokenConstraint
        /// A number ended by `,` or `}`, whole or not.
        var number: (_ terminator: Character, _ integer: Bool) -> any TokenConstraint
        /// One of some strings (a choice's options with their ending, numbers from the question).
        var choice: (_ choices: [String]) -> any TokenConstraint
        /// A copy of a span of some sources up to the closing quote (grounded strings).
        var copy: (_ sources: [String]) -> any TokenConstraint
    }

    /// The tool's arguments.
    let schema: ArgumentSchema
    /// The constraints of the model's vocabulary.
    let constraints: Constraints
    /// Numbers a number may be, when the question or earlier results give some
    /// (as JSON numbers); empty: any number.
    let numbers: Set<String>
    /// Texts a string is copied from (the question, earlier results); empty: any string.
    var stringSources: [String] = []
    /// Sampling of each value.
    let temperature: Double
    let seed: UInt64

    /// The longest string value, in tokens.
    static let stringTokens = 24
    /// The longest number, in tokens.
    static let numberTokens = 12

    /// What was written: the JSON text (also in the session, after the opening
    /// marker) and the tokens the model generated for it.
    struct Written: Equatable {
        var json: String
        var tokens: Int
    }

    /// Writes the arguments in `session`, where a marker was just opened; stops
    /// early (closing the object) when `deadline` passes.
    func write(in session: any LanguageModelSession, deadline: Deadline) async throws -> Written {
        var json = ""
        var tokens = 0
        func put(_ text: String) async throws {
            try await session.append(text)
            json += text
        }
        let arguments = schema.written
        if arguments.isEmpty {
            try await put("{}")
            return Written(json: json, tokens: 0)
        }
        for (index, argument) in arguments.enumerated() {
            let last = index == arguments.count - 1
            let end: Character = last ? "}" : ","
            try await put((index == 0 ? "{" : " ") + Self.quoted(argument.name) + ": ")
            let expired = deadline.isPast
            switch argument.kind {
            case .string:
                try await put("\"")
                var closed = false
                if !expired {
                    let constraint = stringSources.isEmpty ? constraints.string : constraints.copy(stringSources)
                    let outcome = try await generate(in: session, constraint: constraint, stop: "\"", maximumTokens: Self.stringTokens)
                    tokens += outcome.tokenCount
                    // A copy may begin with the space before its first word: the value has none.
                    json += stringSources.isEmpty ? outcome.text : String(outcome.text.drop { $0 == " " })
                    if case .stopString = outcome.stopReason { closed = true }
                }
                if closed { json += "\"" } else { try await put("\"") }
                try await put(String(end))
            case .choice(let options):
                try await put("\"")
                let choices = options.map { Self.escaped($0) + "\"" }
                try await writeChoice(choices, fallback: choices[0], in: session, expired: expired, json: &json, tokens: &tokens)
                try await put(String(end))
            case .boolean:
                try await writeChoice(["true" + String(end), "false" + String(end)], fallback: "false" + String(end), in: session,
                    expired: expired, json: &json, tokens: &tokens)
            case .number, .integer:
                let integer = argument.kind == .integer
                let grounded = numbers.filter { !integer || !$0.contains(".") }.sorted()
                if !grounded.isEmpty {
                    let choices = grounded.map { $0 + String(end) }
                    try await writeChoice(choices, fallback: choices[0], in: session, expired: expired, json: &json, tokens: &tokens)
                } else {
                    var written = ""
                    var closed = false
                    if !expired {
                        let outcome = try await generate(
                            in: session, constraint: constraints.number(end, integer), stop: String(end), maximumTokens: Self.numberTokens)
                        tokens += outcome.tokenCount
                        written = outcome.text
                        if case .stopString = outcome.stopReason { closed = true }
                    }
                    json += written
                    if !JSONNumberConstraint.isComplete(Substring(written), integer: integer) {
                        // Cut short: finish it as a number.
                        let tail = written.isEmpty || written == "-" ? "0" : (written.hasSuffix(".") ? "0" : "")
                        try await put(tail)
                    }
                    if closed { json += String(end) } else { try await put(String(end)) }
                }
            case .other(let type):
                try await put(Self.emptyValue(of: type) + String(end))
            }
        }
        return Written(json: json, tokens: tokens)
    }

    /// One of `choices` (each ending the value); `fallback` when time is up or the
    /// model stops short.
    private func writeChoice(
        _ choices: [String], fallback: String, in session: any LanguageModelSession, expired: Bool, json: inout String, tokens: inout Int
    ) async throws {
        guard !expired else {
            try await session.append(fallback)
            json += fallback
            return
        }
        let ending = String(fallback.last ?? "}")
        let longest = choices.map(\.count).max() ?? 1
        let outcome = try await generate(in: session, constraint: constraints.choice(choices), stop: ending, maximumTokens: longest + 1)
        tokens += outcome.tokenCount
        if case .stopString(let stop) = outcome.stopReason, choices.contains(outcome.text + stop) {
            json += outcome.text + stop
            return
        }
        // Stopped short: complete the choice it began (or the fallback).
        let chosen = choices.first { $0.hasPrefix(outcome.text) } ?? fallback
        let rest = chosen.hasPrefix(outcome.text) ? String(chosen.dropFirst(outcome.text.count)) : chosen
        json += outcome.text
        try await session.append(rest)
        json += rest
    }

    private func generate(
        in session: any LanguageModelSession, constraint: any TokenConstraint, stop: String, maximumTokens: Int
    ) async throws -> GenerationOutcome {
        let request = GenerationRequest(
            maximumTokens: maximumTokens, temperature: temperature, seed: seed, stopStrings: [stop], constraint: constraint)
        return try await session.generate(request) { _ in true }
    }

    /// `text` as a JSON string, quotes included.
    static func quoted(_ text: String) -> String {
        "\"" + escaped(text) + "\""
    }

    /// `text` escaped for a JSON string.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// The empty value of a JSON type.
    static func emptyValue(of type: String) -> String {
        switch type {
        case "array": "[]"
        case "object": "{}"
        case "null": "null"
        case "number", "integer": "0"
        case "boolean": "false"
        default: "\"\""
        }
    }

    /// The numbers of `numbers` that JSON can hold as written ("3.5", "-2"; not "007").
    static func jsonNumbers(_ numbers: some Sequence<String>) -> Set<String> {
        Set(numbers.filter { !$0.isEmpty && JSONNumberConstraint.isComplete(Substring($0), integer: false) })
    }
}
