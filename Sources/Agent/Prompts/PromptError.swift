/// A problem with the prompt files.
public enum PromptError: Error, Equatable, CustomStringConvertible {
    /// No prompts folder was found (the places looked in).
    case directoryNotFound(folder: String, places: [String], variable: String?)
    /// A prompt file is missing or unreadable.
    case unreadable(path: String)
    /// A template names a placeholder the program does not fill.
    case unknownPlaceholder(name: String, file: String)
    /// An examples file is not a sequence of "## user" / "## assistant" sections.
    case malformedExamples(file: String, line: Int, reason: String)

    /// What is wrong with which file, and how to point Ponder at its prompts.
    public var description: String {
        switch self {
        case .directoryNotFound(let folder, let places, let variable):
            "the \(folder)/ folder was not found (looked in \(places.joined(separator: ", ")))"
                + (variable.map { "; set $\($0) to the \(folder)/ folder of the Ponder checkout" } ?? "")
                + ", or install Ponder with tools/install, which puts it in PREFIX/share/ponder"
        case .unreadable(let path):
            "cannot read the prompt file \(path)"
        case .unknownPlaceholder(let name, let file):
            "the prompt \(file) uses {{\(name)}}, which the program does not fill"
        case .malformedExamples(let file, let line, let reason):
            "\(file):\(line): \(reason)"
        }
    }
}
