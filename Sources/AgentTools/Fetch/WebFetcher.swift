/// The web fetcher tool ("fetch"): downloads one http or https page with libcurl and
/// returns it as readable text (see `PageRenderer` for the layout).
///
/// Safety, in order: the URL must be http or https (also on every redirect); its host is
/// resolved once here and every address is checked by the SSRF guard (`AddressKind`:
/// loopback, private and other non-public addresses are refused unless `FetchOptions`
/// allows them; link-local and cloud metadata addresses are refused always); curl is then pinned to the checked addresses with
/// CURLOPT_RESOLVE, so DNS cannot change between check and connect. Redirects are not
/// followed by curl: each Location is parsed, resolved, checked and pinned again, up to
/// `maximumRedirects`. Timeouts, a cap on decoded bytes (gzip bombs included) and a
/// character budget bound the work and the answer.
///
///     <fetch>https://example.com</fetch>   → URL: https://example.com/ …
///     <fetch>http://127.0.0.1/</fetch>     → error: refused: 127.0.0.1 is a loopback address (private addresses are blocked)
///     <fetch>https://example.com/x</fetch> → error: HTTP 404 Not Found
public struct WebFetcher: Tool {
    /// The tag the model writes: `<fetch>…</fetch>`.
    public let name = "fetch"
    /// What the model reads about the tool.
    public let description = "Fetch a web page (http or https) and read it as text: title, headings, paragraphs."

    /// Timeouts, caps and which addresses may be reached.
    public var options: FetchOptions

    /// The characters of a URL (RFC 3986 unreserved, reserved and "%").
    public var inputAlphabet: Set<Character>? {
        Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")
    }

    /// One URL: 300 characters at most.
    public var maximumInputLength: Int { 300 }

    /// A fetcher with `options` (by default: public addresses only).
    public init(options: FetchOptions = FetchOptions()) {
        self.options = options
    }

    /// The page as text, or "error: …" with `ok == false`. Throws only on cancellation.
    public func run(_ input: String, context: ToolContext) async throws -> ToolResult {
        try Task.checkCancellation()
        do {
            return ToolResult(text: try await fetch(input, deadline: context.deadline))
        } catch let error as FetchError {
            return ToolResult(text: "error: \(error)", ok: false)
        }
    }

    /// The page at `input` as the model reads it. Throws `FetchError`, or
    /// `CancellationError` when the task is cancelled (the transfer is aborted). The
    /// transfer gives up when `deadline`'s time is up, if that comes before the total timeout.
    public func fetch(_ input: String, deadline: Deadline = .unlimited()) async throws -> String {
        let (url, response) = try await download(FetchURL.fromInput(input), deadline: deadline)
        return try PageRenderer.render(
            url: url.displayText, contentType: response.contentType, body: response.body,
            maximumCharacters: options.maximumCharacters)
    }

    /// The 2xx answer for `url`, redirects followed (each hop checked by the guard), and
    /// the URL it finally came from. Throws `FetchError` for anything else, or
    /// `CancellationError`.
    func download(_ start: FetchURL, deadline: Deadline) async throws -> (FetchURL, HTTPResponse) {
        let clock = ContinuousClock()
        let started = clock.now
        var totalTimeout = options.totalTimeout
        if let remaining = deadline.remaining { totalTimeout = min(totalTimeout, remaining) }
        var url = start
        var redirects = 0
        while true {
            let addresses = try checkedAddresses(of: url)
            let remaining = totalTimeout - (clock.now - started)
            guard remaining > .zero else { throw FetchError.totalTimeout(totalTimeout) }
            let request = TransferRequest(
                url: url, pinnedAddresses: addresses, connectTimeout: options.connectTimeout,
                remainingTime: remaining, totalTimeout: totalTimeout,
                maximumBytes: options.maximumBytes, userAgent: options.userAgent)
            let response = try await CurlTransfer.perform(request).get()
            switch response.status {
            case 301, 302, 303, 307, 308:
                guard let location = response.redirectURL else { throw FetchError.redirectWithoutLocation(response.status) }
                redirects += 1
                guard redirects <= options.maximumRedirects else {
                    throw FetchError.tooManyRedirects(limit: options.maximumRedirects)
                }
                url = try FetchURL.parse(location)
            case 200..<300:
                return (url, response)
            default:
                throw FetchError.httpStatus(response.status)
            }
        }
    }

    /// The addresses `url`'s host resolves to, all of them allowed, or the refusal of
    /// the first that is not. The host is resolved once (numeric spellings such as
    /// "2130706433", "0x7f.1" or "[::ffff:0:7f00:1]" included) and each binary address
    /// is classed; link-local and metadata addresses are refused whatever the options.
    func checkedAddresses(of url: FetchURL) throws(FetchError) -> [ResolvedAddress] {
        let addresses = try AddressResolver.resolve(url.host)
        for address in addresses where address.kind != .public {
            let allowed = !address.kind.isAlwaysRefused
                && (options.allowPrivateAddresses || options.allowedPrivateEndpoints.contains("\(address.bracketed):\(url.port)"))
            guard allowed else { throw .refusedAddress(host: url.host, address: address.text, kind: address.kind) }
        }
        return addresses
    }
}
