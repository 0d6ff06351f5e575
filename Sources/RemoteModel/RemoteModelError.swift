/// What went wrong talking to a remote OpenAI-compatible server.
public enum RemoteModelError: Error, Equatable, CustomStringConvertible {
    /// The base URL is not an http(s) URL.
    case invalidBaseURL(String)
    /// No connection could be made.
    case unreachable(url: String, reason: String)
    /// The server stayed silent longer than the timeout.
    case timedOut(url: String, seconds: Int)
    /// The server answered with an error status (its message, when it gave one).
    case status(url: String, code: Int, message: String)
    /// The server reported an error in the middle of a stream.
    case streamError(url: String, message: String)
    /// The answer was not what the API promises.
    case malformedResponse(url: String, detail: String)

    /// What went wrong with which URL, and what to check.
    public var description: String {
        switch self {
        case .invalidBaseURL(let url):
            "'\(url)' is not an http:// or https:// URL; give the server's API base, e.g. http://127.0.0.1:8080/v1 (--base-url)"
        case .unreachable(let url, let reason):
            "cannot reach the model server at \(url): \(reason); is it running, and is --base-url right?"
        case .timedOut(let url, let seconds):
            "the model server at \(url) sent nothing for \(seconds) s; it may be overloaded (raise --api-timeout) or stuck"
        case .status(let url, let code, let message):
            "the model server at \(url) answered \(code): \(message)"
        case .streamError(let url, let message):
            "the model server at \(url) reported an error while streaming: \(message)"
        case .malformedResponse(let url, let detail):
            "the model server at \(url) sent an answer that is not OpenAI's format: \(detail)"
        }
    }
}
