#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One address a host name resolved to.
struct ResolvedAddress: Sendable, Equatable {
    /// The numeric form, without brackets: "127.0.0.1", "::1".
    let text: String
    let kind: AddressKind
    let isIPv6: Bool

    /// The form curl's CURLOPT_RESOLVE and our endpoint allowlist use: IPv6 in brackets.
    var bracketed: String { isIPv6 ? "[\(text)]" : text }
}

/// Resolves host names once, with the system resolver, so the SSRF guard checks the
/// very addresses curl will then be told to use.
enum AddressResolver {
    /// Every address `host` resolves to (brackets around an IPv6 literal are removed);
    /// `getaddrinfo` also reads the numeric forms curl accepts ("127.1", "0x7f.1",
    /// "2130706433", "017700000001").
    static func resolve(_ host: String) throws(FetchError) -> [ResolvedAddress] {
        var name = host
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard !name.isEmpty, getaddrinfo(name, nil, &hints, &list) == 0, let first = list else {
            throw .cannotResolve(host: host)
        }
        defer { freeaddrinfo(list) }
        var addresses: [ResolvedAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = convert(current.pointee), !addresses.contains(address) { addresses.append(address) }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw .cannotResolve(host: host) }
        return addresses
    }

    private static func convert(_ info: addrinfo) -> ResolvedAddress? {
        guard let socketAddress = info.ai_addr else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch info.ai_family {
        case AF_INET:
            var address = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            let bytes = withUnsafeBytes(of: &address) { Array($0) }
            guard inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return ResolvedAddress(text: string(buffer), kind: AddressKind.of(ipv4: bytes), isIPv6: false)
        case AF_INET6:
            var address = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            let bytes = withUnsafeBytes(of: &address) { Array($0) }
            guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return ResolvedAddress(text: string(buffer), kind: AddressKind.of(ipv6: bytes), isIPv6: true)
        default:
            return nil
        }
    }

    private static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
