/// Problems with a model that are not about the GGUF container itself. Text taken
/// from the file is shown with control and bidirectional characters escaped.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not a well-formed GGUF file.
    case file(GGUFError)
    /// The architecture is not one the engine implements.
    case unsupportedArchitecture(String, supported: [String])
    /// A hyper-parameter is present but unusable.
    case invalidHyperparameter(key: String, reason: String)

    /// What went wrong and what to do about it.
    public var description: String {
        switch self {
        case .file(let error):
            return error.description
        case .unsupportedArchitecture(let name, let supported):
            return "unsupported architecture '\(name.escapedForDisplay)'; Ponder runs: \(supported.joined(separator: ", "))"
        case .invalidHyperparameter(let key, let reason):
            return "hyper-parameter '\(key.escapedForDisplay)' is invalid: \(reason.escapedForDisplay); "
                + "the file is corrupt or was converted wrongly: download or convert it again"
        }
    }
}
