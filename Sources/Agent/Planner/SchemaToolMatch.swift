import AgentTools

/// Which tool with a schema (an MCP server's) a question names by its words, so the
/// planner can open it first when no built-in rule settles the first call.
///
/// Every tool is a document of its name (split at `_` and `-`), its description and
/// its arguments' names and descriptions; the question's words (numbers left out)
/// rank them by BM25. A tool with a schema is preferred only when it ranks first,
/// ahead of every other tool, and matches strongly: two of the question's words at
/// least (one shared noun, "the length of the Nile", is too weak a sign).
enum SchemaToolMatch {
    /// How many distinct words of the question a tool must match.
    static let minimumMatchedWords = 2

    /// The tool with a schema the question names, or nil.
    static func preferredTool(for question: String, among tools: [any Tool]) -> String? {
        guard tools.contains(where: { $0.inputSchema != nil }) else { return nil }
        let query = Set(SearchTerms.of(question).filter { !$0.allSatisfy(\.isNumber) })
        guard !query.isEmpty else { return nil }
        let documents = tools.map(terms(of:))
        let ranking = BM25(documents: documents)
        let ranked = ranking.ranked(Array(query), limit: 2)
        guard let best = ranked.first, best.score > 0 else { return nil }
        if ranked.count > 1, ranked[1].score >= best.score { return nil }
        let tool = tools[best.index]
        guard tool.inputSchema != nil else { return nil }
        let matched = query.intersection(documents[best.index])
        guard matched.count >= minimumMatchedWords else { return nil }
        return tool.name
    }

    /// A tool's search terms: name, description, and its arguments' names and descriptions.
    static func terms(of tool: any Tool) -> [String] {
        var text = spaced(tool.name) + " " + tool.description
        if let json = tool.inputSchema, let schema = ArgumentSchema(json: json) {
            for argument in schema.arguments {
                text += " " + spaced(argument.name) + " " + (argument.description ?? "")
            }
        }
        return SearchTerms.of(text)
    }

    /// A name's words: `convert_length` is "convert length".
    static func spaced(_ name: String) -> String {
        String(name.map { $0 == "_" || $0 == "-" ? " " : $0 })
    }
}
