import Foundation

/// Whom the server answers, decided from a request's `Host`, `Origin` and
/// `Content-Type` before anything else runs: the defence against a web page that
/// drives a server on the user's machine, by DNS rebinding (a page whose own name
/// now resolves to 127.0.0.1 sends its name as `Host`) or by a cross-site request
/// (a form or `fetch` with `Content-Type: text/plain`, which needs no preflight).
///
/// - `Host` must be a name the server is bound to: its address; for a loopback bind
///   also `localhost`, `127.0.0.1` and `[::1]`; for a bind to every interface
///   (`0.0.0.0`, `::`) also the machine's host name and its interfaces' addresses.
///   `--allowed-host` adds names (`*`: any, for a trusted reverse proxy).
/// - `Origin`, when sent, must be the server's own (`http://` or `https://` and the
///   request's `Host`) or one given by `--cors`.
/// - A POST body must be declared `application/json`.
///
/// `ponder mcp --http` answers by the same rules.
public struct HostPolicy: Sendable {
    /// Names answered: lowercased, without a port or trailing dot; IPv6 in brackets.
    public let hostNames: Set<String>
    /// `--allowed-host '*'`: any `Host`.
    public let anyHost: Bool
    /// Web origins allowed to call from a browser, lowercased, without a trailing `/`.
    public let corsOrigins: Set<String>
    /// The command whose flags a refusal names (`ponder serve`, `ponder mcp`).
    let command: String

    static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    enum BindKind: Equatable { case loopback, everyInterface, specific }

    /// What a request may do: go on (with the CORS origin to answer, if any), or be
    /// refused with `error`.
    public enum Verdict: Equatable, Sendable {
        /// The request goes on; `corsOrigin` is the `--cors` origin to answer, if any.
        case allowed(corsOrigin: String?)
        /// The request is refused: the status and what to change.
        case refused(APIError)
    }

    /// The rules for a server bound to `bindAddress`, with `--allowed-host` and `--cors`
    /// values; `command` is named in refusals; `machineNames` are this machine's names
    /// and addresses, for a bind to every interface.
    public init(
        bindAddress: String, allowedHosts: [String] = [], corsOrigins: [String] = [], command: String = "ponder serve",
        machineNames: () -> [String] = MachineNames.current
    ) {
        self.command = command
        var names = Set(allowedHosts.map(Self.normalizedName))
        anyHost = names.remove("*") != nil
        let bind = Self.normalizedName(bindAddress)
        switch Self.kind(ofBind: bind) {
        case .loopback:
            names.formUnion(Self.loopbackNames)
            names.insert(bind)
        case .everyInterface:
            names.formUnion(Self.loopbackNames)
            names.formUnion(machineNames().map(Self.normalizedName))
        case .specific:
            names.insert(bind)
        }
        hostNames = names
        self.corsOrigins = Set(corsOrigins.map(Self.normalizedOrigin))
    }

    static func kind(ofBind name: String) -> BindKind {
        if ["", "0.0.0.0", "[::]", "*"].contains(name) { return .everyInterface }
        if name == "localhost" || name == "[::1]" || name.hasPrefix("127.") { return .loopback }
        return .specific
    }

    /// Checks a request's `Host` (its authority; `extraHostFields` counts further
    /// `Host` headers) and `Origin`.
    public func check(authority: String?, extraHostFields: Int = 0, origin: String?) -> Verdict {
        guard let authority, !authority.isEmpty else {
            return .refused(.invalid("the request has no Host header", param: nil, code: "missing_host"))
        }
        guard extraHostFields == 0 else {
            return .refused(.invalid("the request has more than one Host header", param: nil, code: "invalid_host"))
        }
        let name = Self.normalizedName(Self.hostName(ofAuthority: authority))
        guard anyHost || hostNames.contains(name) else {
            return .refused(APIError(
                status: 403, type: "invalid_request_error",
                message: "this server does not answer to the host name '\(name)' (\(command) --allowed-host NAME adds one)",
                code: "host_not_allowed"))
        }
        guard let origin else { return .allowed(corsOrigin: nil) }
        let normalized = Self.normalizedOrigin(origin)
        let own = authority.lowercased()
        if normalized == "http://\(own)" || normalized == "https://\(own)" { return .allowed(corsOrigin: nil) }
        if corsOrigins.contains(normalized) { return .allowed(corsOrigin: normalized) }
        return .refused(APIError(
            status: 403, type: "invalid_request_error",
            message: "requests from the web origin '\(origin)' are not allowed (\(command) --cors ORIGIN allows one)",
            code: "origin_not_allowed"))
    }

    /// The problem with a POST body's declared type, if there is one: it must be
    /// `application/json` (parameters such as `charset` allowed).
    static func contentTypeProblem(_ contentType: String?) -> APIError? {
        let mediaType = contentType?.split(separator: ";", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType != "application/json" else { return nil }
        let given = contentType.map { "'\($0)'" } ?? "none"
        return APIError(
            status: 415, type: "invalid_request_error",
            message: "request bodies must be JSON sent with 'Content-Type: application/json' (got \(given))",
            code: "unsupported_media_type")
    }

    /// `example.com` of `example.com:8080`, `[::1]` of `[::1]:8080`.
    static func hostName(ofAuthority authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[...close])
        }
        return String(authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// A host name as compared: lowercased, without a trailing dot, an IPv6 address
    /// in brackets.
    static func normalizedName(_ name: String) -> String {
        var name = name.trimmingCharacters(in: .whitespaces).lowercased()
        if name.hasSuffix("."), name.count > 1 { name.removeLast() }
        if name.contains(":"), !name.hasPrefix("[") { name = "[\(name)]" }
        return name
    }

    /// An origin as compared: lowercased, without a trailing `/`.
    public static func normalizedOrigin(_ origin: String) -> String {
        var origin = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while origin.hasSuffix("/") { origin.removeLast() }
        return origin
    }

    /// Whether `origin` is one `--cors` can name: `http(s)://host[:port]`, nothing after.
    static func isValidOrigin(_ origin: String) -> Bool {
        guard let components = URLComponents(string: origin), let scheme = components.scheme?.lowercased(),
              ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty,
              components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil,
              components.user == nil
        else { return false }
        return true
    }
}

/// This machine's names, for a server bound to every interface: its host name and
/// the addresses of its network interfaces.
public enum MachineNames {
    /// The host name and the interfaces' addresses.
    public static func current() -> [String] {
        var names: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        if gethostname(&buffer, buffer.count - 1) == 0 {
            let hostName = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !hostName.isEmpty {
                names.append(hostName)
                if let short = hostName.split(separator: ".").first, short.count < hostName.count { names.append(String(short)) }
            }
        }
        return names + interfaceAddresses()
    }

    /// The IPv4 and IPv6 addresses of the interfaces (IPv6 link-local scope dropped).
    static func interfaceAddresses() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var addresses: [String] = []
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            guard let address = entry.pointee.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let text = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            addresses.append(String(text.split(separator: "%").first ?? ""))
        }
        return addresses
    }
}
