import Foundation
import MCP

/// Whom `ponder mcp --http` answers, by the rules of `ponder serve`: the defence against
/// a web page that drives a server on the user's machine by DNS rebinding (its own
/// name, now resolving to 127.0.0.1, sent as `Host`) or by a cross-site request.
///
/// - `Host` must name the server: its bind address; for a loopback bind also
///   `localhost`, `127.0.0.1` and `[::1]`; for a bind to every interface (`0.0.0.0`,
///   `::`) also the loopback names and this machine's host name. `--allowed-host` adds
///   names (`*`: any).
/// - `Origin`, when sent, must be the server's own (`http(s)://` and the request's
///   `Host`) or one given by `--cors`.
public struct HostOriginGuard: Sendable, Equatable {
    /// Names answered: lowercased, without port or trailing dot, IPv6 in brackets.
    public let hostNames: Set<String>
    /// `--allowed-host '*'`: any `Host`.
    public let anyHost: Bool
    /// Web origins allowed besides the server's own, lowercased, without a trailing `/`.
    public let corsOrigins: Set<String>

    static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    /// The rules for a server bound to `bindAddress`; `machineNames` are this machine's
    /// names, used for a bind to every interface.
    public init(
        bindAddress: String, allowedHosts: [String] = [], corsOrigins: [String] = [],
        machineNames: () -> [String] = { [ProcessInfo.processInfo.hostName] }
    ) {
        var names = Set(allowedHosts.map(Self.normalizedName))
        anyHost = names.remove("*") != nil
        let bind = Self.normalizedName(bindAddress)
        if ["", "0.0.0.0", "[::]"].contains(bind) {
            names.formUnion(Self.loopbackNames)
            names.formUnion(machineNames().map(Self.normalizedName))
        } else {
            if bind == "localhost" || bind == "[::1]" || bind.hasPrefix("127.") { names.formUnion(Self.loopbackNames) }
            names.insert(bind)
        }
        hostNames = names
        self.corsOrigins = Set(corsOrigins.map(Self.normalizedOrigin))
    }

    /// The refusal of a request with `host` (its `Host` header) and `origin`, or nil
    /// when it may go on: 403 with a JSON-RPC error saying what to change.
    public func refusal(host: String?, origin: String?) -> MCP.HTTPResponse? {
        guard let host, !host.isEmpty else {
            return .error(statusCode: 400, .invalidRequest("Bad Request: the request has no Host header"))
        }
        let name = Self.normalizedName(Self.hostName(ofAuthority: host))
        guard anyHost || hostNames.contains(name) else {
            return .error(
                statusCode: 403,
                .invalidRequest("Forbidden: this server does not answer to the host name '\(name)' (ponder mcp --allowed-host NAME adds one)"))
        }
        guard let origin else { return nil }
        let normalized = Self.normalizedOrigin(origin)
        let own = host.lowercased()
        if normalized == "http://\(own)" || normalized == "https://\(own)" || corsOrigins.contains(normalized) { return nil }
        return .error(
            statusCode: 403,
            .invalidRequest("Forbidden: requests from the web origin '\(origin)' are not allowed (ponder mcp --cors ORIGIN allows one)"))
    }

    /// The origin to name in `Access-Control-Allow-Origin` for a request from `origin`:
    /// one `--cors` gave (normalized), else nil.
    public func corsOrigin(for origin: String?) -> String? {
        guard let origin else { return nil }
        let normalized = Self.normalizedOrigin(origin)
        return corsOrigins.contains(normalized) ? normalized : nil
    }

    /// `example.com` of `example.com:8080`, `[::1]` of `[::1]:8080`.
    static func hostName(ofAuthority authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") { return String(authority[...close]) }
        return String(authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// A host name as compared: lowercased, no trailing dot, IPv6 in brackets.
    static func normalizedName(_ name: String) -> String {
        var name = name.trimmingCharacters(in: .whitespaces).lowercased()
        if name.hasSuffix("."), name.count > 1 { name.removeLast() }
        if name.contains(":"), !name.hasPrefix("[") { name = "[\(name)]" }
        return name
    }

    static func normalizedOrigin(_ origin: String) -> String {
        var origin = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while origin.hasSuffix("/") { origin.removeLast() }
        return origin
    }
}
