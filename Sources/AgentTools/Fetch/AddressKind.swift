/// The class of an IP address, as far as the SSRF guard cares: everything but
/// `.public` is refused unless private addresses are allowed.
public enum AddressKind: Sendable, Equatable {
    /// An address on the public internet: the only class always allowed.
    case `public`
    /// This machine (127.0.0.0/8, ::1).
    case loopback
    /// A private network (10/8, 172.16/12, 192.168/16).
    case `private`
    /// The local link (169.254.0.0/16, fe80::/10); always refused.
    case linkLocal
    /// A cloud provider's metadata service (169.254.169.254 and others); always refused.
    case cloudMetadata
    /// Shared address space behind a carrier's NAT (100.64.0.0/10).
    case carrierGradeNAT
    /// A multicast group.
    case multicast
    /// The unspecified address ("this network": 0.0.0.0/8, ::).
    case unspecified
    /// The limited broadcast address 255.255.255.255.
    case broadcast
    /// An IPv6 unique-local address (fc00::/7).
    case uniqueLocal
    /// A range reserved for documentation, benchmarks, protocols or future use.
    case reserved

    /// "a loopback address", as the refusal reads.
    public var phrase: String {
        switch self {
        case .public: "a public address"
        case .loopback: "a loopback address"
        case .private: "a private address"
        case .linkLocal: "a link-local address"
        case .cloudMetadata: "the cloud metadata address"
        case .carrierGradeNAT: "a carrier-grade NAT address"
        case .multicast: "a multicast address"
        case .unspecified: "an unspecified address"
        case .broadcast: "the broadcast address"
        case .uniqueLocal: "a unique-local IPv6 address"
        case .reserved: "a reserved address"
        }
    }

    /// Whether the guard refuses this class even when private addresses are allowed
    /// (`FetchOptions.allowPrivateAddresses`, an allowlisted endpoint): link-local
    /// addresses (169.254.0.0/16, fe80::/10) and the cloud metadata services
    /// (169.254.169.254, fd00:ec2::254, 100.100.100.200, 192.0.0.192) hand out
    /// credentials to whoever asks from inside the machine, and no page the agent
    /// should read lives there.
    public var isAlwaysRefused: Bool {
        self == .linkLocal || self == .cloudMetadata
    }

    /// The class of an IPv4 address given as its four bytes.
    static func of(ipv4 b: [UInt8]) -> AddressKind {
        switch (b[0], b[1]) {
        case (0, _): return .unspecified  // 0.0.0.0/8, "this network"
        case (10, _): return .private
        case (100, 100) where b[2] == 100 && b[3] == 200: return .cloudMetadata  // Alibaba Cloud
        case (100, 64...127): return .carrierGradeNAT
        case (127, _): return .loopback
        case (169, 254): return b[2] == 169 && b[3] == 254 ? .cloudMetadata : .linkLocal  // AWS, GCP, Azure, OCI, …
        case (172, 16...31): return .private
        case (192, 168): return .private
        case (192, 0) where b[2] == 0 && b[3] == 192: return .cloudMetadata  // Oracle Cloud Classic
        case (192, 0) where b[2] == 0: return .reserved  // IETF protocol assignments
        case (192, 0) where b[2] == 2: return .reserved  // TEST-NET-1, documentation
        case (198, 51) where b[2] == 100: return .reserved  // TEST-NET-2
        case (203, 0) where b[2] == 113: return .reserved  // TEST-NET-3
        case (198, 18...19): return .reserved  // benchmarking
        case (224...239, _): return .multicast
        case (255, 255) where b[2] == 255 && b[3] == 255: return .broadcast
        case (240...255, _): return .reserved
        default: return .public
        }
    }

    /// The class of an IPv6 address given as its sixteen bytes. Every form that embeds
    /// an IPv4 address takes the class of the embedded one, so `[::ffff:7f00:1]` is as
    /// much loopback as 127.0.0.1: IPv4-mapped (::ffff:0:0/96), IPv4-translated
    /// (::ffff:0:0:0/96), IPv4-compatible (::/96, deprecated), NAT64 (64:ff9b::/96 and
    /// the local-use 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo (2001::/32, whose
    /// client address is the bit-inverted last 32 bits).
    static func of(ipv6 b: [UInt8]) -> AddressKind {
        func zero(_ range: Range<Int>) -> Bool { b[range].allSatisfy { $0 == 0 } }
        func ipv4(_ indices: [Int]) -> AddressKind { of(ipv4: indices.map { b[$0] }) }
        let last32 = [12, 13, 14, 15]
        if zero(0..<12) {
            if zero(12..<15), b[15] == 0 { return .unspecified }  // ::
            if zero(12..<15), b[15] == 1 { return .loopback }  // ::1
            return ipv4(last32)  // ::a.b.c.d, IPv4-compatible
        }
        if zero(0..<10), b[10] == 0xff, b[11] == 0xff { return ipv4(last32) }  // ::ffff:a.b.c.d, IPv4-mapped
        if zero(0..<8), b[8] == 0xff, b[9] == 0xff, zero(10..<12) { return ipv4(last32) }  // ::ffff:0:a.b.c.d, IPv4-translated
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xff, b[3] == 0x9b {
            if zero(4..<12) { return ipv4(last32) }  // 64:ff9b::/96, well-known NAT64
            if b[4] == 0, b[5] == 1 { return localUseNAT64(b) }  // 64:ff9b:1::/48
        }
        if b[0] == 0 { return .reserved }  // the rest of ::/8
        if b[0] == 0x01, b[1] == 0x00, zero(2..<8) { return .reserved }  // 100::/64, discard-only
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0x00, b[3] == 0x00 {
            return of(ipv4: last32.map { ~b[$0] })  // 2001::/32, Teredo: the client's address, inverted
        }
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0x0d, b[3] == 0xb8 { return .reserved }  // 2001:db8::/32, documentation
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0x00, b[3] == 0x02, b[4] == 0, b[5] == 0 { return .reserved }  // 2001:2::/48, benchmarking
        if b[0] == 0x3f, b[1] == 0xff, b[2] & 0xf0 == 0 { return .reserved }  // 3fff::/20, documentation
        if b[0] == 0x20, b[1] == 0x02 { return ipv4([2, 3, 4, 5]) }  // 2002::/16, 6to4
        if b[0] == 0xff { return .multicast }
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return .linkLocal }  // fe80::/10
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return .private }  // fec0::/10, old site-local
        if b == awsMetadataIPv6 { return .cloudMetadata }  // fd00:ec2::254
        if b[0] & 0xfe == 0xfc { return .uniqueLocal }  // fc00::/7
        return .public
    }

    /// fd00:ec2::254, the AWS instance metadata service over IPv6.
    private static let awsMetadataIPv6: [UInt8] = [0xfd, 0x00, 0x0e, 0xc2] + [UInt8](repeating: 0, count: 10) + [0x02, 0x54]

    /// 64:ff9b:1::/48 (RFC 8215) is never globally reachable; a network may use any
    /// prefix length from /48 to /96 inside it, so the embedded IPv4 address is read at
    /// every place RFC 6052 allows (byte 8 is always skipped) and the strictest reading
    /// wins: a metadata or link-local reading first, then the /96 one, then any other.
    private static func localUseNAT64(_ b: [UInt8]) -> AddressKind {
        let readings = [[12, 13, 14, 15], [6, 7, 9, 10], [7, 9, 10, 11], [9, 10, 11, 12]].map { of(ipv4: $0.map { b[$0] }) }
        return readings.first(where: \.isAlwaysRefused) ?? readings.first { $0 != .public } ?? .private
    }
}
