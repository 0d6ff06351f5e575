import Foundation

/// A large bank of short example conversations, from which the few nearest to a question
/// are chosen for the prompt, instead of every example of every tool.
///
/// The bank is a folder of `prompts/` (by default `examples/bank`) holding one file per
/// tool, named after it (`calc.md`, `fetch.md`, `python.md`), and `chat.md` for
/// conversations that call no tool; each is a "## user" / "## assistant" conversation
/// (see `PromptLibrary.examples`). Questions are indexed once, with Okapi BM25 over their
/// search terms; `nearest(to:count:tools:preferring:)` ranks them against a question.
/// Numbers never count towards a match (a question about 35% of 460 is like one about
/// 12% of 250), and a web address counts as the term "url".
///
/// An example's score is its own BM25 score plus `toolWeight` times its tool's: the
/// score of all the tool's questions taken as one document. One shared rare word ("cats"
/// in a chat example) then weighs less than words the tool's questions use again and
/// again ("plot", "chart"), so the examples shown mostly agree on the tool to call.
public struct ExampleBank: Sendable {
    /// One example: a question and the assistant's whole reply to it.
    public struct Example: Sendable, Equatable {
        /// The tool the reply calls: the name of its file without ".md", or
        /// `ExampleBank.noTool` for a reply without a call.
        public let tool: String
        /// What the user asks.
        public let question: String
        /// The assistant's reply: the call, the result the runtime appended, the answer.
        public let reply: String

        /// An example of `tool` answering `question` with `reply`.
        public init(tool: String, question: String, reply: String) {
            self.tool = tool
            self.question = question
            self.reply = reply
        }

        /// The example as a user message and an assistant message.
        public var messages: [Message] { [Message(.user, question), Message(.assistant, reply)] }
    }

    /// The tool name of the examples that call no tool (the file `chat.md`). They are
    /// offered whatever the tools, so a greeting is not answered with a call.
    public static let noTool = "chat"

    /// The folder of `prompts/` the bank is read from unless told otherwise.
    public static let defaultFolder = "examples/bank"

    /// Every example, file by file in the order of the files' names, each file's in its order.
    public let examples: [Example]
    /// The examples' questions, one document each.
    private let ranking: BM25
    /// The tools of the bank, in order of first appearance: `toolRanking`'s documents.
    private let bankTools: [String]
    /// Each tool's questions together, one document per tool.
    private let toolRanking: BM25

    /// How much a tool's score counts beside an example's own. Set so that the words a
    /// tool's examples share outweigh one rare word shared with an example of another
    /// tool; at 0 the ranking is plain BM25.
    static let toolWeight = 2.0

    /// A bank of `examples`, indexed by their questions.
    public init(examples: [Example]) {
        self.examples = examples
        let terms = examples.map { Self.terms(of: $0.question) }
        ranking = BM25(documents: terms)
        var tools: [String] = []
        for example in examples where !tools.contains(example.tool) { tools.append(example.tool) }
        bankTools = tools
        toolRanking = BM25(documents: tools.map { tool in examples.indices.filter { examples[$0].tool == tool }.flatMap { terms[$0] } })
    }

    /// The bank in `folder` of `prompts`: every ".md" file in it, read and indexed now
    /// (keep the bank; asking it does not read files). A file must alternate "## user"
    /// and "## assistant" sections, starting with a user.
    public init(prompts: PromptLibrary, folder: String = ExampleBank.defaultFolder) throws(PromptError) {
        let path = prompts.directory + "/" + folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw .unreadable(path: path)
        }
        var examples: [Example] = []
        for name in names.filter({ $0.hasSuffix(".md") }).sorted() {
            let file = folder + "/" + name
            examples += try Self.pairs(try prompts.examples(file), tool: String(name.dropLast(3)), file: file, prompts: prompts)
        }
        self.init(examples: examples)
    }

    /// The examples nearest to `question`, at most `count`, ordered so the best match
    /// comes last (small models imitate what they read last).
    ///
    /// Only examples of `tools` and those calling no tool are considered; with
    /// `preferring`, when the caller already knows the tool and the bank has examples
    /// of it, only that tool's examples are. When fewer than `count` examples match
    /// (share a term with the question, or belong to a tool whose questions do), the
    /// rest are the first examples of each tool in turn (in the order of `tools`, then
    /// those calling no tool), placed before the matches.
    public func nearest(to question: String, count: Int, tools: [String], preferring tool: String? = nil) -> [Example] {
        guard count > 0 else { return [] }
        var order: [String] = []
        for name in tools + [Self.noTool] where !order.contains(name) { order.append(name) }
        if let tool, examples.contains(where: { $0.tool == tool }) { order = [tool] }
        let allowed = Set(order)
        let query = Self.terms(of: question)
        var toolScores: [String: Double] = [:]
        for (position, name) in bankTools.enumerated() { toolScores[name] = toolRanking.score(position, query: query) }
        var scored: [(index: Int, score: Double)] = []
        for position in examples.indices where allowed.contains(examples[position].tool) {
            let score = ranking.score(position, query: query) + Self.toolWeight * (toolScores[examples[position].tool] ?? 0)
            if score > 0 { scored.append((position, score)) }
        }
        // Best first; equal scores keep the bank's order.
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
        let matches = scored.prefix(count).map(\.index)
        let filler = fill(count - matches.count, excluding: Set(matches), order: order)
        return (filler + matches.reversed()).map { examples[$0] }
    }

    /// Up to `count` indices not in `excluding`: the first example of each tool of
    /// `order` in turn, then the second of each, and so on.
    private func fill(_ count: Int, excluding: Set<Int>, order: [String]) -> [Int] {
        guard count > 0 else { return [] }
        var queues = order.map { tool in examples.indices.filter { examples[$0].tool == tool && !excluding.contains($0) }[...] }
        var chosen: [Int] = []
        while chosen.count < count, queues.contains(where: { !$0.isEmpty }) {
            for position in queues.indices where chosen.count < count {
                if let next = queues[position].popFirst() { chosen.append(next) }
            }
        }
        return chosen
    }

    /// The search terms a question is matched by: those of `SearchTerms`, without
    /// numbers, names and the endings of contractions ("what's" is "what"), plus "url"
    /// for each web address (whose own words, hosts and paths, are left out) and a word
    /// for each arithmetic or currency sign ("%" is "percent", "×" and "*" are "times"),
    /// which `SearchTerms` drops as punctuation.
    ///
    /// Numbers and names (capitalised words inside a sentence: "Monday", "Oslo", "Ada")
    /// are the data of a question, not its kind: "plot Monday 4, Tuesday 9 as columns"
    /// wants a column chart, whatever the days. A text that is nothing but names keeps them.
    static func terms(of text: String) -> [String] {
        let words = text.split(whereSeparator: \.isWhitespace)
        var signs: [String] = []
        var kept: [String] = []
        var names: [String] = []
        for (position, word) in words.enumerated() {
            let lowercased = word.lowercased()
            if lowercased.contains("http://") || lowercased.contains("https://") || lowercased.hasPrefix("www.") {
                signs.append("url")
                continue
            }
            let startsSentence = position == 0 || words[position - 1].last.map(sentenceEnds.contains) == true
            let core = word.drop { !$0.isLetter && !$0.isNumber }
            let isName = !startsSentence && core.first?.isUppercase == true && core.contains(where: \.isLowercase)
            let cleaned = withoutContraction(word)
            if isName { names.append(cleaned) } else { kept.append(cleaned) }
        }
        for character in kept.joined() {
            if let word = signWords[character] { signs.append(word) }
        }
        let terms = searchTerms(kept)
        return (terms.isEmpty ? searchTerms(kept + names) : terms) + signs
    }

    /// The search terms of `words`, numbers left out.
    private static func searchTerms(_ words: [String]) -> [String] {
        SearchTerms.of(words.joined(separator: " ")).filter { !$0.allSatisfy(\.isNumber) }
    }

    /// The punctuation after which a capitalised word starts a sentence (or a list,
    /// after a colon) rather than being a name.
    private static let sentenceEnds: Set<Character> = [".", "!", "?", ":"]

    /// `word` without the ending of a contraction ("'s", the "'t" of "n't", "'re", "'ll",
    /// "'ve", "'m", "'d"), which would otherwise be a one-letter term matching every "what's".
    private static func withoutContraction(_ word: Substring) -> String {
        guard let apostrophe = word.firstIndex(where: { $0 == "'" || $0 == "’" }) else { return String(word) }
        let ending = word[word.index(after: apostrophe)...].prefix(while: \.isLetter)
        guard contractionEndings.contains(ending.lowercased()) else { return String(word) }
        return String(word[..<apostrophe] + word[ending.endIndex...])
    }

    private static let contractionEndings: Set<String> = ["s", "t", "re", "ll", "ve", "m", "d"]

    /// The words of signs that stand for one: a question writing "15%" and one writing
    /// "15 percent" should meet.
    static let signWords: [Character: String] = [
        "%": "percent", "×": "times", "*": "times", "÷": "divided", "+": "plus", "$": "dollar", "€": "euro", "£": "pound",
    ]

    /// The conversation `messages` of `file` as examples: a user message, then the
    /// assistant's reply, again and again.
    private static func pairs(_ messages: [Message], tool: String, file: String, prompts: PromptLibrary) throws(PromptError) -> [Example] {
        var examples: [Example] = []
        var position = 0
        while position < messages.count {
            guard messages[position].role == .user, position + 1 < messages.count, messages[position + 1].role == .assistant else {
                let wrong = messages[position].role == .user ? position + 1 : position
                throw .malformedExamples(
                    file: file, line: headingLine(wrong, in: (try? prompts.text(file)) ?? ""),
                    reason: "each example is a '## user' section followed by a '## assistant' section")
            }
            examples.append(Example(tool: tool, question: messages[position].content, reply: messages[position + 1].content))
            position += 2
        }
        return examples
    }

    /// The line number of the `number`th (from 0) "## " heading of `text`, or of the
    /// line after the last one when there are fewer.
    private static func headingLine(_ number: Int, in text: String) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let headings = lines.indices.filter { lines[$0].hasPrefix("## ") }
        return number < headings.count ? headings[number] + 1 : lines.count
    }
}
