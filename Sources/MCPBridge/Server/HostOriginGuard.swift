import APIServer
import MCP

/// Whom `ponder mcp --http` answers: the rules of `ponder serve` (`HostPolicy`), the
/// defence against a web page that drives a server on the user's machine by DNS
/// rebinding (its own name, now resolving to 127.0.0.1, sent as `Host`) or by a
/// cross-site request. Refusals are JSON-RPC errors naming `ponder mcp`'s flags.
public struct HostOriginGuard: Sendable {
    /// The shared rules.
    let policy: HostPolicy

    /// The rules for a server bound to `bindAddress`, with `--allowed-host` and `--cors`
    /// values; `machineNames` are this machine's names, used for a bind to every interface.
    public init(
        bindAddress: String, allowedHosts: [String] = [], corsOrigins: [String] = [],
        machineNames: () -> [String] = MachineNames.current
    ) {
        policy = HostPolicy(
            bindAddress: bindAddress, allowedHosts: allowedHosts, corsOrigins: corsOrigins, command: "ponder mcp",
            machineNames: machineNames)
    }

    /// The refusal of a request with `host` (its `Host` header) and `origin`, or nil
    /// when it may go on: 400 or 403 with a JSON-RPC error saying what to change.
    public func refusal(host: String?, origin: String?) -> MCP.HTTPResponse? {
        guard case .refused(let error) = policy.check(authority: host, origin: origin) else { return nil }
        let reason = error.status == 403 ? "Forbidden" : "Bad Request"
        return .error(statusCode: error.status, .invalidRequest("\(reason): \(error.message)"))
    }

    /// The origin to name in `Access-Control-Allow-Origin` for a request from `origin`:
    /// one `--cors` gave (normalized), else nil.
    public func corsOrigin(for origin: String?) -> String? {
        guard let origin else { return nil }
        let normalized = HostPolicy.normalizedOrigin(origin)
        return policy.corsOrigins.contains(normalized) ? normalized : nil
    }
}
