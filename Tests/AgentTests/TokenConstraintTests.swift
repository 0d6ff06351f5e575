import Testing
@testable import Agent

/// A vocabulary of single characters plus a few longer pieces, as BPE has.
private let vocabulary = TokenVocabulary(pieces: ScriptedModel.characters.map { String($0) } + ["24", "*7", "</", "calc>", "</calc>", "8<", "ab\n", nil])

private func allowedPieces(_ set: TokenSet?) -> Set<String> {
    guard let set else { return [] }
    return Set(vocabulary.pieces.enumerated().compactMap { set.contains($0.offset) ? $0.element : nil })
}

@Test func contentIsLimitedToTheAlphabetAndTheClosingMarker() {
    let constraint = MarkerContentConstraint(
        vocabulary: vocabulary, alphabet: Set("0123456789*+ "), closing: "</calc>", maximumLength: 10)
    // At the start: content only (an empty call cannot be closed at once).
    let first = allowedPieces(constraint.allowedTokens(after: ""))
    #expect(first.contains("2") && first.contains("24") && first.contains("*7") && first.contains(" "))
    #expect(!first.contains("<") && !first.contains("=") && !first.contains("a") && !first.contains("ab\n"))
    // After some content: more content, or the closing marker (whole or started).
    let middle = allowedPieces(constraint.allowedTokens(after: "24*7"))
    #expect(middle.isSuperset(of: ["8", "<", "</", "</calc>", "8<"]))
    #expect(!middle.contains("calc>") && !middle.contains("="))
    // Inside the closing marker: only its continuation.
    #expect(allowedPieces(constraint.allowedTokens(after: "24*78</")) == ["c", "calc>"])
    #expect(allowedPieces(constraint.allowedTokens(after: "24*78</cal")) == ["c"])
    // A marker character that is also in the alphabet ("/" for a calculator).
    let slash = MarkerContentConstraint(vocabulary: vocabulary, alphabet: Set("0123456789*/"), closing: "</calc>", maximumLength: 10)
    #expect(allowedPieces(slash.allowedTokens(after: "6/3<")) == ["/"])
    // At the length limit: only the closing marker.
    #expect(allowedPieces(constraint.allowedTokens(after: "1234567890")) == ["<", "</", "</calc>"])
}

@Test func tokenSetsHoldExactlyTheirMembers() {
    var set = TokenSet(capacity: 130)
    for id in [0, 63, 64, 129, 130, -1] { set.insert(id) }
    #expect(set.count == 4)
    #expect(set.contains(63) && set.contains(64) && !set.contains(65) && !set.contains(130))
    let union = set.union(TokenSet(capacity: 130, ids: [1, 2]))
    #expect(union.count == 6)
    #expect(TokenSet(capacity: 10).isEmpty)
}

