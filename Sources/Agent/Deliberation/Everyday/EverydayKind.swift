/// The everyday questions deliberate mode answers by candidates of the grounded fast
/// path: the question says which tool its first call needs (`CallGrounding`), and
/// what that tool produces can be checked.
public enum EverydayKind: String, Sendable, Codable, CaseIterable {
    /// Arithmetic: a calculator call and an answer that keeps its result.
    case arithmetic
    /// A question about a web page: a fetch and an answer copied from its passages.
    case page
    /// A request for a figure: plotting code that runs and saves one.
    case plot

    /// The kind of `question` for a grounded planner whose tools are named `tools`;
    /// nil when the question does not settle its first tool (plain reasoning).
    public init?(question: String, tools: [String]) {
        switch CallGrounding(question: question).requiredFirstTools(among: tools)?.first {
        case "calc": self = .arithmetic
        case "fetch": self = .page
        case "python": self = .plot
        default: return nil
        }
    }

    /// The tool whose call a candidate of this kind makes.
    public var tool: String {
        switch self {
        case .arithmetic: "calc"
        case .page: "fetch"
        case .plot: "python"
        }
    }
}
