import Testing
@testable import AgentTools

/// `escapingControlCharacters`: what reaches a terminal from input we did not write.
struct DisplaySafeTests {
    @Test("terminal escapes, bidirectional overrides and invisible characters are written out", arguments: [
        ("a\u{1B}[31mred\u{1B}[0m", #"a\u{1B}[31mred\u{1B}[0m"#),
        ("invoice\u{202E}fdp.exe", #"invoice\u{202E}fdp.exe"#),
        ("\u{2066}isolate\u{2069} \u{200F}", #"\u{2066}isolate\u{2069} \u{200F}"#),
        ("bell\u{7} nul\u{0} del\u{7F} nel\u{85} csi\u{9B}", #"bell\u{7} nul\u{0} del\u{7F} nel\u{85} csi\u{9B}"#),
        ("one\ntwo\r\tx", #"one\u{A}two\u{D}\u{9}x"#),
        ("line\u{2028}para\u{2029}", #"line\u{2028}para\u{2029}"#),
        ("zero\u{200B}width\u{FEFF}", #"zero\u{200B}width\u{FEFF}"#),
    ])
    func escaped(raw: String, shown: String) {
        #expect(raw.escapingControlCharacters() == shown)
    }

    @Test("ordinary text, backslashes and emoji joiners are left alone")
    func untouched() {
        for text in ["café ünïcode 日本語 ελληνικά", #"C:\path\u{1B} as typed"#, "👨‍👩‍👧 family", "", "x < y & z"] {
            #expect(text.escapingControlCharacters() == text)
        }
    }

    @Test("kept characters stay: multi-line text keeps its newlines and tabs")
    func kept() {
        #expect("a\tb\nc\u{1B}".escapingControlCharacters(except: ["\n", "\t"]) == "a\tb\nc\\u{1B}")
    }

    @Test("the calculator's errors quote the input escaped")
    func calculatorErrors() async throws {
        let calculator = Calculator()
        let escape = try await calculator.run("2+\u{1B}[2J", context: ToolContext())
        #expect(escape == ToolResult(text: #"error: unexpected character '\u{1B}' at 3"#, ok: false))
        let override = try await calculator.run("1+\u{202E}2", context: ToolContext())
        #expect(override.text.contains(#"\u{202E}"#), "\(override.text)")
        #expect(!override.text.unicodeScalars.contains { String.needsEscape($0) })
    }
}
