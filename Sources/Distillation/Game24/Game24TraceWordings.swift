/// How users ask for a Game of 24 solution, in the answer traces: the curriculum item's
/// own question and wordings of this file, none of them a template of the evaluation
/// set ("Use the numbers … and + - * / to make 24."), each one the fast path recognises.
enum Game24TraceWordings {
    static let wordings: [(name: String, text: @Sendable (String) -> String)] = [
        ("get", { "How do I get 24 from \($0)?" }),
        ("puzzle", { "Solve this puzzle: \($0). Use each number once with + - * / so that the result equals 24." }),
    ]

    /// The item's question (named by its template) and the other wordings, for `numbers`.
    static func questions(for item: CurriculumItem, numbers: [Int]) -> [(String, String)] {
        let listed = numbers.map(String.init).joined(separator: " ")
        return [(item.template.replacing("game24-", with: ""), item.question)] + wordings.map { ($0.name, $0.text(listed)) }
    }
}
