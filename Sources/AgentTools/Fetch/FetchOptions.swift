/// The limits and permissions of one `WebFetcher`.
public struct FetchOptions: Sendable, Equatable {
    /// The longest wait for a connection to be established, per hop.
    public var connectTimeout: Duration
    /// The longest the whole fetch may take, redirects included.
    public var totalTimeout: Duration
    /// The cap on the body's size after decompression; a larger page is an error.
    public var maximumBytes: Int
    /// How many redirects are followed; one more is an error.
    public var maximumRedirects: Int
    /// How many characters of page text the model reads; the rest is cut with a note.
    public var maximumCharacters: Int
    /// Whether private, loopback and other non-public addresses may be reached at all.
    /// Off by default: the SSRF guard refuses them. Link-local addresses
    /// (169.254.0.0/16, fe80::/10) and cloud metadata services stay refused even when
    /// this is on, in every spelling and on every redirect (`AddressKind.isAlwaysRefused`).
    public var allowPrivateAddresses: Bool
    /// Non-public endpoints allowed even when `allowPrivateAddresses` is off, each
    /// written "address:port" as resolved, e.g. "127.0.0.1:8080" or "[::1]:8080".
    /// Every other private address, or the same address on another port, stays refused;
    /// link-local and metadata addresses cannot be allowed this way either.
    public var allowedPrivateEndpoints: Set<String>
    /// The User-Agent header sent with every request.
    public var userAgent: String

    /// Options with the given values; the defaults suit reading a page in an agent step.
    public init(
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(20),
        maximumBytes: Int = 2_000_000,
        maximumRedirects: Int = 5,
        maximumCharacters: Int = 4_000,
        allowPrivateAddresses: Bool = false,
        allowedPrivateEndpoints: Set<String> = [],
        userAgent: String = "Ponder/0.1 (+local agent)"
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maximumBytes = maximumBytes
        self.maximumRedirects = maximumRedirects
        self.maximumCharacters = maximumCharacters
        self.allowPrivateAddresses = allowPrivateAddresses
        self.allowedPrivateEndpoints = allowedPrivateEndpoints
        self.userAgent = userAgent
    }
}
