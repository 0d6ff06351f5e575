import Testing
@testable import Agent

/// Single characters, words with and without the space before them (as BPE has), numbers
/// split into pieces, newlines and a control token.
private let vocabulary = TokenVocabulary(pieces: [
    "\n", "\n\n", " ", nil,
    "Tom", " Tom", " Baker", "Bak", "er", " B", "aker",
    "Cor", "vel", "Corvel", " Corvel", " was", " founded", " by", " in", ".", ",", " 1442", "1442", "14", "42", "x", " x",
    "653", ",148", " 653", " people", "Zo", "ë", " Å", "Å", "dahl", "T", "o", "m",
])

private func pieces(_ set: TokenSet?) -> Set<String> {
    guard let set else { return ["<everything>"] }
    return Set(vocabulary.pieces.enumerated().compactMap { set.contains($0.offset) ? $0.element : nil })
}

private let candidates = CopyCandidates(vocabulary: vocabulary)
private let source = "Corvel was founded by Tom Baker in 1442, with 653,148 people."

struct CopyConstraintTests {
    @Test("the first token starts a word of a source, with or without a space before it")
    func opening() {
        let constraint = CopyConstraint(sources: [source], candidates: candidates)
        let first = pieces(constraint.allowedTokens(after: ""))
        #expect(first.isSuperset(of: ["Tom", " Tom", " Baker", "Cor", "Corvel", " Corvel", " was", "1442", " 1442", "14", "653", " ", "T"]))
        #expect(first.isDisjoint(with: ["vel", "er", "aker", "42", ",148", "x", " x", "\n", ".", ",", "o"]))
        // After a lone space, the word itself (no second space).
        let afterSpace = pieces(constraint.allowedTokens(after: " "))
        #expect(afterSpace.contains("Tom") && afterSpace.contains("Corvel") && !afterSpace.contains(" Tom") && !afterSpace.contains(" "))
    }

    @Test("later tokens continue the source where the copy ends")
    func continuation() {
        let constraint = CopyConstraint(sources: [source], minimumLength: 1, candidates: candidates)
        #expect(pieces(constraint.allowedTokens(after: " Tom")) == [" Baker", " B", " ", "\n", "\n\n"])
        #expect(pieces(constraint.allowedTokens(after: "Tom Bak")) == ["er"])
        #expect(pieces(constraint.allowedTokens(after: "Cor")) == ["vel"])
        #expect(pieces(constraint.allowedTokens(after: "T")) == ["o"])
        #expect(pieces(constraint.allowedTokens(after: "Tom Baker in 1442")).isSuperset(of: [",", "\n"]))
        // Not in the source, or not from a word's start: nothing may follow.
        #expect(pieces(constraint.allowedTokens(after: "Tom Bakes")).isEmpty)
        #expect(pieces(constraint.allowedTokens(after: "vel was")).isEmpty)
    }

    @Test("a newline ends the copy only at a word's end and after the minimum length")
    func ending() {
        let constraint = CopyConstraint(sources: [source], minimumLength: 5, candidates: candidates)
        #expect(!pieces(constraint.allowedTokens(after: "Tom")).contains("\n"))
        #expect(pieces(constraint.allowedTokens(after: "Tom Baker")).contains("\n"))
        #expect(!pieces(constraint.allowedTokens(after: "Tom Bak")).contains("\n"))
        // Inside a number with a thousands separator, and inside "1442".
        #expect(pieces(constraint.allowedTokens(after: "653")) == [",", ",148"])
        #expect(pieces(constraint.allowedTokens(after: "653,148")).contains("\n"))
        #expect(!pieces(constraint.allowedTokens(after: "14")).contains("\n"))
        // Copies ending after punctuation may end too.
        #expect(pieces(constraint.allowedTokens(after: "Tom Baker in 1442,")).contains("\n"))
    }

    @Test("several sources: a copy may continue in any source where it occurs")
    func severalSources() {
        let constraint = CopyConstraint(sources: ["Tom Baker", "Tom was", "x Tom\nCorvel"], candidates: candidates)
        let afterTom = pieces(constraint.allowedTokens(after: "Tom"))
        #expect(afterTom.isSuperset(of: [" Baker", " was", "\n"]))
        // Lines of a source are sources of their own: no newline inside a copy.
        #expect(!pieces(constraint.allowedTokens(after: "")).contains("\n"))
        #expect(pieces(constraint.allowedTokens(after: "Corvel")) == ["\n", "\n\n"])
    }

    @Test("characters outside ASCII: words start and continue at whole characters")
    func unicode() {
        let constraint = CopyConstraint(sources: ["Zoë Ådahl"], candidates: candidates)
        #expect(pieces(constraint.allowedTokens(after: "Zo")) == ["ë"])
        #expect(pieces(constraint.allowedTokens(after: "")).isSuperset(of: ["Zo", "Å", " Å"]))
        #expect(pieces(constraint.allowedTokens(after: "Zoë")).isSuperset(of: [" Å", " ", "\n"]))
        #expect(pieces(constraint.allowedTokens(after: "Zoë Å")) == ["dahl"])
    }

    @Test("a vocabulary of 49,152 pieces is indexed once and looked up by text")
    func largeVocabulary() {
        var pieces: [String?] = (0..<49_152).map { "w\($0)" }
        pieces[100] = " Tom"
        pieces[40_000] = " Baker"
        pieces[49_151] = "\n"
        let large = CopyCandidates(vocabulary: TokenVocabulary(pieces: pieces))
        let constraint = CopyConstraint(sources: ["w7 Tom Baker"], candidates: large)
        #expect(constraint.allowedTokens(after: "")?.contains(7) == true)  // "w7"
        #expect(constraint.allowedTokens(after: "")?.contains(100) == true)
        let next = constraint.allowedTokens(after: " Tom")
        #expect(next?.contains(40_000) == true && next?.contains(49_151) == true && next?.count == 2)
    }
}
