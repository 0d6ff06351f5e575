@testable import APIServer
import AgentTools
import Foundation
import OpenAIAPI
import Testing

/// How the server checks tool schemas and quotes a request in its errors.
struct VisibleTextTests {
    @Test("control and format characters in a quoted value are escaped; other text (accents, CJK, emoji) is kept")
    func escaping() {
        #expect("\u{1B}[31mred\u{7}".escapingControlCharacters() == #"\u{1B}[31mred\u{7}"#)
        #expect("abc\u{202E}fed\u{200F}\u{200B}\u{FEFF}\u{2028}\n\t\u{7F}\u{85}".escapingControlCharacters()
            == #"abc\u{202E}fed\u{200F}\u{200B}\u{FEFF}\u{2028}\u{A}\u{9}\u{7F}\u{85}"#)
        #expect("café 東京 🦜 'x'".escapingControlCharacters() == "café 東京 🦜 'x'")
    }

    @Test("every APIError escapes its message and param: an unknown model name cannot reach a terminal raw")
    func errors() {
        let error = APIError.unknownModel("\u{1B}]0;pwned\u{7}gpt\u{202E}", available: ["ponder"])
        #expect(error.message.hasPrefix(#"the model '\u{1B}]0;pwned\u{7}gpt\u{202E}' does not exist"#))
        #expect(error.message.escapingControlCharacters() == error.message)
        #expect(APIError.invalid("x", param: "tools[0].\u{1B}").param == #"tools[0].\u{1B}"#)
    }
}

struct ToolValidationTests {
    func problem(_ parameters: JSONValue?) -> APIError? {
        do {
            try ToolValidation.check([ToolDefinition(function: FunctionDefinition(name: "f", parameters: parameters))])
            return nil
        } catch {
            return error
        }
    }

    @Test("parameters that are no object schema are a 400 naming the field")
    func schemas() {
        #expect(problem(.string("notanobject"))?.param == "tools[0].function.parameters")
        #expect(problem(.array([]))?.param == "tools[0].function.parameters")
        #expect(problem(.object(["type": .string("string")]))?.param == "tools[0].function.parameters.type")
        #expect(problem(.object(["type": .string("object"), "properties": .array([])]))?.param == "tools[0].function.parameters.properties")
        #expect(problem(.object(["properties": .object(["city": .string("string")])]))?.param == "tools[0].function.parameters.properties.city")
        #expect(problem(.object(["properties": .object(["city": .object(["type": .number(3)])])]))?.param
            == "tools[0].function.parameters.properties.city.type")
        #expect(problem(.object(["properties": .object(["u": .object(["enum": .string("c")])])]))?.param == "tools[0].function.parameters.properties.u.enum")
        #expect(problem(.object(["required": .string("city")]))?.param == "tools[0].function.parameters.required")
        #expect(problem(.object(["required": .array([.number(1)])]))?.param == "tools[0].function.parameters.required")
        #expect(problem(nil) == nil)
        #expect(problem(.object([:])) == nil)
        #expect(problem(.object([
            "type": .string("object"), "required": .array([.string("city")]),
            "properties": .object(["city": .object(["type": .array([.string("string"), .string("null")])]), "unit": .object(["enum": .array([.string("c")])])]),
        ])) == nil)
        #expect(problem(.string("notanobject"))?.status == 400)
        let many = (0...ToolValidation.maximumTools).map { ToolDefinition(function: FunctionDefinition(name: "f\($0)")) }
        #expect(throws: APIError.self) { try ToolValidation.check(many) }
    }
}
