/// Why a page could not be fetched; `description` is the one line the model reads
/// after "error: ".
public enum FetchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing was given.
    case emptyURL
    /// The URL contains whitespace.
    case spaceInURL
    /// The text is not a URL curl can parse (the reason is curl's).
    case malformedURL(String)
    /// A scheme other than http or https, on the first request or on a redirect.
    case unsupportedScheme(String)
    /// The host name does not resolve.
    case cannotResolve(host: String)
    /// The SSRF guard refused an address: `host` resolved to `address` of `kind`
    /// (`kind.isAlwaysRefused`: refused even when private addresses are allowed).
    case refusedAddress(host: String, address: String, kind: AddressKind)
    /// The server could not be reached (refused, reset, TLS failure: curl's words).
    case connectionFailed(String)
    /// No connection within the connect timeout.
    case connectTimeout(Duration)
    /// The whole fetch took longer than the total timeout.
    case totalTimeout(Duration)
    /// The server answered with an error status.
    case httpStatus(Int)
    /// A redirect without a usable Location.
    case redirectWithoutLocation(Int)
    /// More redirects than allowed.
    case tooManyRedirects(limit: Int)
    /// The decoded body passed the size cap.
    case tooLarge(limit: Int)
    /// Not text, HTML or JSON.
    case unsupportedContentType(String)
    /// A libcurl failure with no better explanation.
    case transferFailed(String)

    /// The message; text that came from outside (a URL's host, a server's header,
    /// curl's words about either) has its control and bidirectional-formatting
    /// characters shown escaped (`\u{1B}`), and credentials written into a URL
    /// ("user:password@") are left out.
    public var description: String {
        FetchURL.removingCredentials(from: message).escapingControlCharacters()
    }

    private var message: String {
        switch self {
        case .emptyURL: "no URL given"
        case .spaceInURL: "the URL contains spaces; write them as %20"
        case .malformedURL(let reason): "not a valid URL (\(reason))"
        case .unsupportedScheme: "only http and https URLs can be fetched"
        case .cannotResolve(let host): "cannot resolve host '\(host)'"
        case .refusedAddress(let host, let address, let kind):
            (host == address || host == "[\(address)]"
                ? "refused: \(address) is \(kind.phrase)"
                : "refused: \(host) resolves to \(address), \(kind.phrase)")
                + (kind.isAlwaysRefused ? " (link-local and cloud metadata addresses are always blocked)" : " (private addresses are blocked)")
        case .connectionFailed(let reason): "cannot connect: \(reason)"
        case .connectTimeout(let limit): "connection timed out after \(Self.seconds(limit))"
        case .totalTimeout(let limit): "the page took longer than \(Self.seconds(limit)) to load"
        case .httpStatus(let code): "HTTP \(code)" + (Self.reasons[code].map { " \($0)" } ?? "")
        case .redirectWithoutLocation(let code): "HTTP \(code) redirect without a Location"
        case .tooManyRedirects(let limit): "too many redirects (more than \(limit))"
        case .tooLarge(let limit): "the page is larger than \(Self.size(limit))"
        case .unsupportedContentType(let type): "unsupported content type \(type)"
        case .transferFailed(let reason): "the fetch failed: \(reason)"
        }
    }

    /// "10 s", "0.5 s".
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.wholeMilliseconds
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }

    /// "2 MB", "100 kB", "1500 bytes" (decimal units).
    static func size(_ bytes: Int) -> String {
        if bytes >= 1_000_000, bytes % 1_000_000 == 0 { return "\(bytes / 1_000_000) MB" }
        if bytes >= 1_000, bytes % 1_000 == 0 { return "\(bytes / 1_000) kB" }
        return "\(bytes) bytes"
    }

    private static let reasons: [Int: String] = [
        300: "Multiple Choices", 304: "Not Modified",
        400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
        404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout",
        409: "Conflict", 410: "Gone", 413: "Content Too Large", 414: "URI Too Long",
        415: "Unsupported Media Type", 418: "I'm a teapot", 429: "Too Many Requests",
        451: "Unavailable For Legal Reasons", 500: "Internal Server Error", 501: "Not Implemented",
        502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
    ]
}
