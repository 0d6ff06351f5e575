import Foundation

/// The web search tool ("web_search"): asks a SearXNG-compatible JSON endpoint and
/// returns the top results compactly, one numbered entry each:
///
///     1. Swift (programming language) — https://en.wikipedia.org/wiki/Swift_(programming_language)
///        Swift is a high-level general-purpose, multi-paradigm, compiled programming language…
///
/// The endpoint is a setting, `PONDER_SEARCH_URL` (e.g. `http://localhost:8888/search`);
/// the tool requests `ENDPOINT?q=<query>&format=json` and reads `results[].title`, `url`
/// and `content`. Unset, the tool answers with an error saying how to configure it.
/// (SearXNG answers 403 unless `json` is listed under `search.formats` in its settings.)
///
/// The request goes through `WebFetcher`'s transfer and SSRF guard. Because the endpoint
/// is chosen by the user, not the model, it is allowed even when it is a private or
/// loopback address — but only exactly: the addresses its host resolves to, on its
/// port. Every other private address stays refused, including on a redirect.
///
///     <web_search>swift structured concurrency</web_search> → 1. … — https://…
public struct WebSearch: Tool {
    /// The tag the model writes: `<web_search>…</web_search>`.
    public let name = "web_search"
    /// What the model reads about the tool.
    public let description = "Search the web; returns the top results as title, URL and snippet."

    /// The environment variable naming the endpoint.
    public static let environmentVariable = "PONDER_SEARCH_URL"

    /// The search endpoint, e.g. "http://localhost:8888/search"; nil or empty turns the tool off.
    public var endpoint: String?
    /// How many results are shown.
    public var maximumResults: Int
    /// Timeouts and caps of the request (its `maximumCharacters` bounds the answer).
    public var options: FetchOptions

    /// A search tool asking `endpoint` (by default `$PONDER_SEARCH_URL`).
    public init(
        endpoint: String? = WebSearch.configuredEndpoint(),
        maximumResults: Int = 5,
        options: FetchOptions = FetchOptions()
    ) {
        self.endpoint = endpoint
        self.maximumResults = maximumResults
        self.options = options
    }

    /// `$PONDER_SEARCH_URL` from `environment`, or nil when unset or blank.
    public static func configuredEndpoint(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        guard let value = environment[environmentVariable]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// The results, or "error: …" with `ok == false`. Throws only on cancellation.
    public func run(_ input: String, context: ToolContext) async throws -> ToolResult {
        try Task.checkCancellation()
        guard let endpoint = endpoint?.trimmingCharacters(in: .whitespaces), !endpoint.isEmpty else {
            return ToolResult(
                text: "error: web search is not configured: set \(Self.environmentVariable) to a SearXNG-compatible JSON endpoint",
                ok: false)
        }
        let query = input.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { return ToolResult(text: "error: no search query given", ok: false) }
        let url: FetchURL
        do {
            url = try FetchURL.parse(Self.requestURL(endpoint: endpoint, query: query))
        } catch {
            return ToolResult(text: "error: \(Self.environmentVariable) is not a usable http(s) URL: \(error)", ok: false)
        }
        let body: [UInt8]
        do {
            var options = options
            for address in try AddressResolver.resolve(url.host) {
                options.allowedPrivateEndpoints.insert("\(address.bracketed):\(url.port)")
            }
            body = try await WebFetcher(options: options).download(url, deadline: context.deadline).1.body
        } catch let error as FetchError {
            var text = "error: the search failed: \(error)"
            if error == .httpStatus(403) { text += " (does the endpoint allow format=json?)" }
            return ToolResult(text: text, ok: false)
        }
        guard let results = Self.parse(body) else {
            return ToolResult(text: "error: the search endpoint did not answer with SearXNG JSON results", ok: false)
        }
        return ToolResult(text: PageRenderer.truncate(
            Self.render(results, query: query, limit: maximumResults), to: options.maximumCharacters))
    }

    /// One search hit as the endpoint gives it.
    struct Result: Decodable, Equatable {
        var title: String?
        var url: String?
        var content: String?
    }

    private struct Response: Decodable {
        var results: [Result]
    }

    /// `endpoint` with `q=<query>&format=json` added to its query string.
    static func requestURL(endpoint: String, query: String) -> String {
        var base = endpoint
        var fragment = ""
        if let hash = base.firstIndex(of: "#") {
            fragment = String(base[hash...])
            base = String(base[..<hash])
        }
        let separator = !base.contains("?") ? "?" : (base.hasSuffix("?") || base.hasSuffix("&") ? "" : "&")
        return base + separator + "q=" + percentEncoded(query) + "&format=json" + fragment
    }

    /// `text` with everything but RFC 3986 unreserved characters percent-encoded (UTF-8).
    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    /// The results of a SearXNG JSON answer, or nil when it is not one.
    static func parse(_ body: [UInt8]) -> [Result]? {
        let text = CharsetDecoder.decode(body, headerCharset: nil, isHTML: false)
        return try? JSONDecoder().decode(Response.self, from: Data(text.utf8)).results
    }

    /// "1. Title — URL\n   snippet" for the first `limit` results that have a URL.
    static func render(_ results: [Result], query: String, limit: Int) -> String {
        let usable = results.filter { !($0.url ?? "").isEmpty }.prefix(max(1, limit))
        guard !usable.isEmpty else { return "No results for \"\(query)\"." }
        return usable.enumerated().map { index, result in
            let title = collapsed(result.title ?? "")
            var entry = "\(index + 1). \(title.isEmpty ? "(untitled)" : title) — \(result.url ?? "")"
            let snippet = collapsed(HTMLEntities.decode(result.content ?? ""))
            if !snippet.isEmpty { entry += "\n   " + clipped(snippet, to: 300) }
            return entry
        }.joined(separator: "\n")
    }

    /// Whitespace runs (newlines included) as one space, trimmed.
    private static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `text` cut at a word boundary near `limit` characters, with "…".
    private static func clipped(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        var cut = text.prefix(limit)
        if let space = cut.lastIndex(of: " "), cut.distance(from: space, to: cut.endIndex) < 40 { cut = cut[..<space] }
        return cut + "…"
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
