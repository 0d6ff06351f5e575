import Testing
@testable import Agent

/// Python's code under the constraint: the closing marker only where brackets and strings
/// are balanced, no stray closing brackets, a loop guard, and a length limit.
struct PythonCodeConstraintTests {
    /// Printable ASCII and newline, one token each, plus longer pieces as BPE has them.
    static let vocabulary = TokenVocabulary(pieces: ScriptedModel.characters.map { String($0) } + [
        "</", "python>", "/python>", "</python>", "])", "]]", ")\n", "'''", "\"\"\"", "x</python>",
        "abc", "plot", "\n\n", nil,
    ])

    static func allowed(_ constraint: PythonCodeConstraint, after text: String) -> Set<String> {
        guard let set = constraint.allowedTokens(after: text) else { return Set(vocabulary.pieces.compactMap { $0 }) }
        return Set(vocabulary.pieces.enumerated().compactMap { set.contains($0.offset) ? $0.element : nil })
    }

    let constraint = PythonCodeConstraint(vocabulary: Self.vocabulary, maximumLength: 200)

    func allowed(after text: String) -> Set<String> { Self.allowed(constraint, after: text) }

    @Test func theMarkerClosesOnlyBalancedCode() {
        let open = allowed(after: "x = [1, 2")
        #expect(!open.contains("</python>") && !open.contains("</"))
        #expect(open.isSuperset(of: ["]", "3", ",", " ", "<", "abc", "\n", "("]), "a comparison's '<' is still code")
        let closed = allowed(after: "x = [1, 2]\nprint(x)")
        #expect(closed.isSuperset(of: ["</python>", "</", "<", "\n", "x", "abc"]))
        #expect(closed.contains("x</python>"), "code, then the marker, in one token")
        #expect(!allowed(after: "").contains("x</python>"), "the code must be there before the token")
    }

    @Test func nothingClosesEmptyCode() {
        for text in ["", "\n", "  \n "] {
            let start = allowed(after: text)
            #expect(!start.contains("</python>") && !start.contains("</"))
            #expect(start.isSuperset(of: ["x", "\n", "(", "'"]))
        }
    }

    @Test func stringsAndCommentsAreTracked() {
        // Inside a single-quoted string: no marker, no newline; the quote closes it.
        let string = allowed(after: "label = 'New York")
        #expect(!string.contains("</python>") && !string.contains("\n") && !string.contains(")\n"))
        #expect(string.isSuperset(of: ["'", "]", ")", "#", "\""]), "brackets and other quotes are text in a string")
        // An escaped quote does not end the string; an escaped backslash does not escape it.
        #expect(!allowed(after: #"s = 'it\'s"#).contains("</python>"))
        #expect(allowed(after: #"s = 'a\\'"#).contains("</python>"))
        // An empty string is closed; a third quote opens a triple-quoted one, where newlines go.
        #expect(allowed(after: "s = ''").contains("</python>"))
        let triple = allowed(after: "s = '''a")
        #expect(triple.contains("\n") && !triple.contains("</python>"))
        #expect(allowed(after: "s = '''a\nb'''").contains("</python>"))
        #expect(!allowed(after: "s = \"\"\"a\"\"").contains("</python>"))
        // A comment holds brackets and quotes that do not count, and may be closed.
        #expect(allowed(after: "x = 1  # it's (done").contains("</python>"))
        #expect(!allowed(after: "x = [1,  # the list").contains("</python>"))
        #expect(allowed(after: "x = [1,  # the list\n2]").contains("</python>"))
    }

    @Test func noTokenClosesABracketThatIsNotOpen() {
        let none = allowed(after: "x = 1")
        #expect(!none.contains(")") && !none.contains("]") && !none.contains("}") && !none.contains("])"))
        let square = allowed(after: "plt.plot([1, 2")
        #expect(square.contains("]") && square.contains("])"))
        #expect(!square.contains(")") && !square.contains("}") && !square.contains("]]"))
        let nested = allowed(after: "d = {'a': [(1")
        #expect(nested.contains(")") && !nested.contains("]") && !nested.contains("}"))
    }

    @Test func aStartedMarkerMustBeFinished() {
        #expect(allowed(after: "x = 1\n</") == ["p", "python>"])
        #expect(allowed(after: "x = 1\n</pyth") == ["o"])
        // A '<' may start the marker or be a comparison.
        let less = allowed(after: "y = x <")
        #expect(less.isSuperset(of: ["/python>", "/", " ", "3"]))
        let lessInList = allowed(after: "y = [x <")
        #expect(!lessInList.contains("/python>") && !lessInList.contains("/") && lessInList.contains(" "))
        // In a string, "</" is text ("</b>"), but the marker is never completed there.
        let html = allowed(after: "s = '</")
        #expect(html.contains("b") && html.contains("p") && !html.contains("python>"))
        #expect(!allowed(after: "s = '</python").contains(">"))
    }

    @Test func aLineMayNotComeAThirdTimeInARow() {
        let twice = "plt.plot(x)\nplt.plot(x)\n"
        #expect(allowed(after: "plt.plot(x)\nplt.plot(x").contains(")\n"), "a second copy is allowed")
        let third = allowed(after: twice + "plt.plot(x")
        #expect(third.contains(")") && !third.contains(")\n"))
        #expect(!allowed(after: twice + "plt.plot(x)").contains("\n"))
        #expect(!allowed(after: twice + "\n  \nplt.plot(x)  ").contains("\n"), "blank lines between do not reset the count")
        #expect(allowed(after: twice + "plt.show()").contains("\n"))
        #expect(allowed(after: "x = 1\nx = 1\ny = 2\nx = 1").contains("\n"))
    }

    @Test func atTheLimitOnlyClosingIsAllowed() {
        let short = PythonCodeConstraint(vocabulary: Self.vocabulary, maximumLength: 12)
        // Unbalanced: the bracket's closer first (a matching one only), nothing else.
        #expect(Self.allowed(short, after: "x = [1, 2, 3") == ["]"])
        #expect(Self.allowed(short, after: "f([1, 2, 3, 4") == ["]", "])"])
        // Then the marker.
        #expect(Self.allowed(short, after: "x = [1, 2, 3]") == ["<", "</", "</python>"])
        #expect(Self.allowed(short, after: "s = 'abcdefgh") == ["'"])
        #expect(Self.allowed(short, after: "x = 1  # note") == ["<", "</", "</python>"])
        #expect(Self.allowed(short, after: "x = [1,  # note") == ["\n"], "the comment ends, then the bracket closes")
    }

    @Test func aLargeVocabularyIsClassifiedOnce() {
        // 49,152 tokens, most of them free of watched characters: the allowed set holds
        // every free token and exactly the right watched ones.
        var pieces: [String?] = (0..<49_000).map { "w\($0)" }
        pieces += ["(", ")", "]", "</python>", "'", "\n", nil]
        pieces += (0..<(49_152 - pieces.count)).map { "(\($0)" }
        let vocabulary = TokenVocabulary(pieces: pieces)
        let constraint = PythonCodeConstraint(vocabulary: vocabulary, maximumLength: 1000)
        let set = constraint.allowedTokens(after: "plot(x")
        #expect(set?.contains(0) == true && set?.contains(48_999) == true)
        #expect(set?.contains(49_000) == true && set?.contains(49_001) == true)
        #expect(set?.contains(49_002) == false && set?.contains(49_003) == false)
        #expect(set?.count == 49_152 - 3)
    }
}

/// The constraint on the default model's real vocabulary (49,152 byte-level BPE tokens).
struct PythonCodeConstraintVocabularyTests {
    @Test func theDefaultModelsTokensAreClassified() throws {
        let model = try LocalDeliberationTests.loadModel()
        let vocabulary = try #require(model.vocabulary)
        let constraint = PythonCodeConstraint(vocabulary: vocabulary, maximumLength: 800)
        let ids = ["]", ")", "</", "3", "<", "plt", "python"].map { vocabulary.pieces.firstIndex(of: $0) ?? -1 }
        #expect(!ids.contains(-1), "the pieces are tokens of the model")
        let (close, round, marker, three, less, plt, python) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6])
        // Every step of writing a small program gives a set (the code stays open to closing).
        var text = ""
        for character in "import matplotlib.pyplot as plt\nx = [1, 2, 3]\nplt.plot(x, [sin(v) for v in x])\nplt.title('Sine')\n" {
            text.append(character)
            #expect(constraint.allowedTokens(after: text)?.isEmpty == false)
        }
        let open = try #require(constraint.allowedTokens(after: "x = [1, 2"))
        #expect(open.contains(close) && !open.contains(round) && !open.contains(marker))
        #expect(open.contains(three) && open.contains(less))
        let closed = try #require(constraint.allowedTokens(after: "x = [1, 2]\n"))
        #expect(closed.contains(marker) && closed.contains(plt))
        #expect(closed.count > vocabulary.count * 9 / 10, "most tokens hold no bracket, quote or newline")
        let started = try #require(constraint.allowedTokens(after: "x = 1\n</"))
        #expect(started.contains(python) && !started.contains(plt))
    }
}
