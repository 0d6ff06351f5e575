/// The class of an IP address, as far as the SSRF guard cares: everything but
/// `.public` is refused unless private addresses are allowed.
public enum AddressKind: Sendable, Equatable {
    case `public`
    case loopback
    case `private`
    case linkLocal
    case cloudMetadata
    case carrierGradeNAT
    case multicast
    case unspecified
    case broadcast
    case uniqueLocal
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

    /// The class of an IPv4 address given as its four bytes.
    static func of(ipv4 b: [UInt8]) -> AddressKind {
        switch (b[0], b[1]) {
        case (0, _): return .unspecified  // 0.0.0.0/8, "this network"
        case (10, _): return .private
        case (100, 64...127): return .carrierGradeNAT
        case (127, _): return .loopback
        case (169, 254): return b[2] == 169 && b[3] == 254 ? .cloudMetadata : .linkLocal
        case (172, 16...31): return .private
        case (192, 168): return .private
        case (192, 0) where b[2] == 0: return .reserved  // IETF protocol assignments
        case (198, 18...19): return .reserved  // benchmarking
        case (224...239, _): return .multicast
        case (255, 255) where b[2] == 255 && b[3] == 255: return .broadcast
        case (240...255, _): return .reserved
        default: return .public
        }
    }

    /// The class of an IPv6 address given as its sixteen bytes; addresses that embed
    /// an IPv4 address (mapped, compatible, NAT64) take the class of the embedded one.
    static func of(ipv6 b: [UInt8]) -> AddressKind {
        let firstTen = b[0..<10].allSatisfy { $0 == 0 }
        if firstTen && b[10] == 0xff && b[11] == 0xff { return of(ipv4: Array(b[12..<16])) }  // ::ffff:a.b.c.d
        if firstTen && b[10] == 0 && b[11] == 0 {
            if b[12..<15].allSatisfy({ $0 == 0 }) {
                if b[15] == 0 { return .unspecified }  // ::
                if b[15] == 1 { return .loopback }  // ::1
            }
            return of(ipv4: Array(b[12..<16]))  // ::a.b.c.d (deprecated IPv4-compatible)
        }
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xff, b[3] == 0x9b, b[4..<12].allSatisfy({ $0 == 0 }) {
            return of(ipv4: Array(b[12..<16]))  // 64:ff9b::/96, NAT64
        }
        if b[0] == 0xff { return .multicast }
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return .linkLocal }  // fe80::/10
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return .private }  // fec0::/10, old site-local
        if b[0] & 0xfe == 0xfc { return .uniqueLocal }  // fc00::/7
        if b[0] == 0x20, b[1] == 0x02 { return of(ipv4: Array(b[2..<6])) }  // 2002::/16, 6to4
        return .public
    }
}
