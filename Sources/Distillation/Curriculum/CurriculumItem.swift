/// One problem of the self-improvement curriculum: a question in a user's words and
/// what a right answer must hold, known by construction.
public struct CurriculumItem: Codable, Sendable, Equatable {
    /// The kinds of problem the curriculum generates, one per job the fast path does.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Sums, differences, products, quotients, percentages, in many wordings.
        case arithmetic
        /// Short stories whose answer takes one or two operations.
        case wordProblem = "word-problem"
        /// A question about a generated page served on 127.0.0.1.
        case page
        /// A request to plot given numbers.
        case plot
        /// A Game of 24 puzzle (ranks 1–900 of the public list).
        case game24
        /// A plain conversation turn, so the model keeps its manners.
        case chat
    }

    /// What a right answer holds.
    public enum Expectation: Codable, Sendable, Equatable {
        /// The answer states this number (exactly, as the calculator writes it).
        case number(value: String)
        /// The answer contains this text (a fact read from the page).
        case text(value: String)
        /// A figure was saved whose plotted data are these numbers, in order.
        case plot(data: [Double])
        /// An expression over the puzzle's numbers, each used once, equal to 24.
        case game24(numbers: [Int])
        /// Nothing to check: the base model's own reply is the reference.
        case reply
    }

    /// Stable within a seed: kind, generator and index, e.g. `arithmetic-7-12`.
    public var id: String
    /// What job the item exercises.
    public var kind: Kind
    /// The template that worded the question (for balancing and disjointness checks).
    public var template: String
    /// The question, as a user would ask it. Page questions hold `{base}`, the base URL
    /// of the page server, filled in when the curriculum is served.
    public var question: String
    /// What a right answer holds.
    public var expected: Expectation
    /// For `.page` items: the page's file name and HTML.
    public var page: GeneratedPage?

    /// An item; `page` only for page questions.
    public init(id: String, kind: Kind, template: String, question: String, expected: Expectation, page: GeneratedPage? = nil) {
        self.id = id
        self.kind = kind
        self.template = template
        self.question = question
        self.expected = expected
        self.page = page
    }
}

/// A page made up for a question: its file name under the page server's root and its HTML.
public struct GeneratedPage: Codable, Sendable, Equatable {
    /// The file name, e.g. `tamvor-3.html`.
    public var name: String
    /// The whole page.
    public var html: String

    /// A page called `name` holding `html`.
    public init(name: String, html: String) {
        self.name = name
        self.html = html
    }
}
