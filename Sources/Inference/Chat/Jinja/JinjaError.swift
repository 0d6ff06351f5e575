/// Why a template could not be read or rendered.
public enum JinjaError: Error, Equatable, CustomStringConvertible {
    /// The template's text is not Jinja this interpreter reads: what, and the line.
    case syntax(String, line: Int)
    /// A construct real templates rarely use that this interpreter does not support.
    case unsupported(String, line: Int)
    /// Rendering failed: an undefined name used as a value, a type error, a bad call.
    case render(String, line: Int)
    /// The template called `raise_exception(message)`.
    case raised(String)

    public var description: String {
        switch self {
        case .syntax(let what, let line): return "template syntax error at line \(line): \(what)"
        case .unsupported(let what, let line): return "template line \(line) uses \(what), which Ponder's Jinja interpreter does not support"
        case .render(let what, let line): return "template error at line \(line): \(what)"
        case .raised(let message): return "the template refused the conversation: \(message)"
        }
    }
}
