/// The words a text is searched by: lowercase letters and digits, split at
/// everything else, without the commonest English words, each cut to a crude stem
/// ("bridges" and "bridge" meet) so a question and a page need not agree on endings.
public enum SearchTerms {
    /// The search terms of `text`, in order, repeats kept.
    public static func of(_ text: String) -> [String] {
        text.lowercased()
            .split { !($0.isLetter || $0.isNumber) }
            .map(String.init)
            .filter { !stopWords.contains($0) }
            .map(stem)
    }

    /// Numbers lose their thousands separators before this is called; a word loses
    /// one common ending when enough of it stays.
    static func stem(_ word: String) -> String {
        guard word.allSatisfy(\.isLetter) else { return word }
        for ending in ["ing", "ies", "ed", "es", "s"] where word.hasSuffix(ending) && word.count - ending.count >= 3 {
            return String(word.dropLast(ending.count)) + (ending == "ies" ? "y" : "")
        }
        return word
    }

    static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "could", "did", "do", "does", "for", "from", "has", "have",
        "how", "i", "in", "is", "it", "its", "me", "my", "of", "on", "or", "please", "say", "says", "tell", "that", "the",
        "their", "there", "this", "to", "was", "what", "when", "where", "which", "who", "will", "with", "would", "you", "your",
    ]
}
