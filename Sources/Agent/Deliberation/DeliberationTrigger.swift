import Foundation

/// Recognises a question that asks for deliberate mode ("take your time: …"), from
/// the phrases in `prompts/deliberate/triggers.md`.
public struct DeliberationTrigger: Sendable {
    /// The phrases, in lower case.
    public let phrases: [String]
    /// The budget a phrase asks for.
    public static let defaultBudget: Duration = .seconds(30)

    /// A trigger for `phrases`, matched regardless of case.
    public init(phrases: [String]) {
        self.phrases = phrases.map { $0.lowercased() }
    }

    /// The phrases of `prompts`.
    public init(prompts: PromptLibrary) throws(PromptError) {
        self.init(phrases: try prompts.lines("deliberate/triggers.md"))
    }

    /// The phrase `question` contains as whole words, if any.
    public func phrase(in question: String) -> String? {
        let text = " " + Self.words(question) + " "
        return phrases.first { text.contains(" " + Self.words($0) + " ") }
    }

    /// Lower-case words separated by single spaces; apostrophes kept ("don't").
    static func words(_ text: String) -> String {
        let normalized = text.lowercased().replacingOccurrences(of: "’", with: "'")
        return normalized.split { !($0.isLetter || $0.isNumber || $0 == "'") }.joined(separator: " ")
    }
}
