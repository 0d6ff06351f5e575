import Foundation
import Testing
@testable import AgentTools

/// The attacks on the fetcher, each written as the URL, redirect or page that got
/// through before. Only 127.0.0.1 is ever contacted: every other address here must be
/// refused before a connection is attempted (a connection attempt would end in
/// "cannot connect" or a timeout instead of the refusal the tests expect).
struct FetchAttackTests {
    static let alwaysBlocked = "(link-local and cloud metadata addresses are always blocked)"

    /// A fetcher with every option that opens non-public addresses, the metadata
    /// endpoints explicitly allowlisted too.
    static let wideOpen = WebFetcher(options: FetchOptions(
        connectTimeout: .seconds(1), totalTimeout: .seconds(3), allowPrivateAddresses: true,
        allowedPrivateEndpoints: ["169.254.169.254:80", "[fd00:ec2::254]:80", "100.100.100.200:80", "[fe80::1]:80"]))

    @Test("metadata and link-local addresses are refused even with private addresses allowed, in every spelling", arguments: [
        ("http://169.254.169.254/latest/meta-data/", "the cloud metadata address"),
        ("http://[::ffff:a9fe:a9fe]/latest/meta-data/", "the cloud metadata address"),  // IPv4-mapped
        ("http://[::ffff:169.254.169.254]/latest/meta-data/", "the cloud metadata address"),
        ("http://[::ffff:0:a9fe:a9fe]/latest/meta-data/", "the cloud metadata address"),  // IPv4-translated
        ("http://[::a9fe:a9fe]/latest/meta-data/", "the cloud metadata address"),  // IPv4-compatible
        ("http://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "the cloud metadata address"),  // NAT64
        ("http://[64:ff9b:1::a9fe:a9fe]/latest/meta-data/", "the cloud metadata address"),  // local-use NAT64, /96
        ("http://[64:ff9b:1:a9fe:a9:fe00::]/latest/meta-data/", "the cloud metadata address"),  // local-use NAT64, /48
        ("http://[2002:a9fe:a9fe::1]/latest/meta-data/", "the cloud metadata address"),  // 6to4
        ("http://[2001:0:4136:e378:8000:63bf:5601:5601]/", "the cloud metadata address"),  // Teredo, client inverted
        ("http://2852039166/latest/meta-data/", "the cloud metadata address"),  // decimal
        ("http://0xa9fea9fe/latest/meta-data/", "the cloud metadata address"),  // hexadecimal
        ("http://0xa9.0xfe.0xa9.0xfe/latest/meta-data/", "the cloud metadata address"),
        ("http://0251.0376.0251.0376/latest/meta-data/", "the cloud metadata address"),  // octal
        ("http://169.254.43518/latest/meta-data/", "the cloud metadata address"),  // short form
        ("http://[fd00:ec2::254]/latest/meta-data/", "the cloud metadata address"),  // AWS over IPv6
        ("http://100.100.100.200/latest/meta-data/", "the cloud metadata address"),  // Alibaba Cloud
        ("http://169.254.170.2/v2/credentials", "a link-local address"),  // container credentials
        ("http://169.254.1.1/", "a link-local address"),
        ("http://[fe80::1]/", "a link-local address"),
        ("http://[fe80::a9fe:a9fe]/", "a link-local address"),
    ])
    func alwaysRefused(url: String, kind: String) async throws {
        let result = try await Self.wideOpen.run(url, context: ToolContext())
        #expect(!result.ok)
        #expect(result.text.hasPrefix("error: refused: "), "\(result.text)")
        #expect(result.text.contains(" is \(kind) ") || result.text.contains(", \(kind) "), "\(result.text)")
        #expect(result.text.hasSuffix(Self.alwaysBlocked), "\(result.text)")
    }

    @Test("IPv6 forms embedding 127.0.0.1 and odd IPv4 spellings are loopback", arguments: [
        "http://[::ffff:0:127.0.0.1]/",  // IPv4-translated, once classed as public
        "http://[::ffff:0:7f00:1]/",
        "http://[::ffff:7f00:1]/",
        "http://[::127.0.0.1]/",
        "http://[64:ff9b::127.0.0.1]/",
        "http://[64:ff9b:1::7f00:1]/",
        "http://[2002:7f00:1::]/",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
        "http://0177.0.0.1/", "http://0x7f.1/", "http://0x7f000001/", "http://0x7F.0.0.0x1/", "http://127.1/",
        "http://127.0.1/", "http://2130706433/", "http://017700000001/", "http://127.000.000.001/",
    ])
    func embeddedLoopback(url: String) async throws {
        let result = try await WebFetcher().run(url, context: ToolContext())
        #expect(result.text.hasPrefix("error: refused: "), "\(result.text)")
        #expect(result.text.contains("a loopback address (private addresses are blocked)"), "\(result.text)")
    }

    @Test("the guard classes the address the host resolves to, which is the one curl connects to")
    func oddSpellingsReachTheCheckedAddress() async throws {
        let server = try LocalHTTPServer(routes: FetchTestRoutes.routes)
        let allowed = WebFetcher(options: FetchOptions(allowedPrivateEndpoints: [server.endpoint]))
        for host in ["0x7f.1", "2130706433", "0177.0.0.1", "127.1"] {
            let checked = try allowed.checkedAddresses(of: FetchURL.parse("http://\(host):\(server.port)/"))
            #expect(checked.map(\.text) == ["127.0.0.1"], "\(host)")
            let result = try await allowed.run("http://\(host):\(server.port)/text", context: ToolContext())
            #expect(result.text.hasSuffix("\n\nline one\nline two"), "\(host): \(result.text)")
            let refused = try await WebFetcher().run("http://\(host):\(server.port)/text", context: ToolContext())
            #expect(refused.text.contains("127.0.0.1"), "\(host): \(refused.text)")
            #expect(refused.text.contains("a loopback address"), "\(host): \(refused.text)")
        }
    }

    @Test("a redirect from an allowed local page to the metadata service is refused", arguments: [
        "http://169.254.169.254/latest/meta-data/",
        "//169.254.169.254/x",
        "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
        "http://[::ffff:0:a9fe:a9fe]/latest/meta-data/",
        "http://2852039166/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
    ])
    func redirectToMetadata(target: String) async throws {
        let server = try LocalHTTPServer(routes: FetchTestRoutes.routes)
        let result = try await Self.wideOpen.run(server.url("/goto?\(target)"), context: ToolContext())
        #expect(!result.ok)
        #expect(result.text.hasPrefix("error: refused: "), "\(result.text)")
        #expect(result.text.hasSuffix(Self.alwaysBlocked), "\(result.text)")
    }

    @Test("credentials in a URL are not shown: not on the URL line, not after a redirect, not in errors")
    func credentialsAreHidden() async throws {
        let server = try LocalHTTPServer(routes: FetchTestRoutes.routes)
        let fetcher = WebFetcher(options: FetchOptions(allowedPrivateEndpoints: [server.endpoint, "127.0.0.1:1"]))
        let port = server.port
        let direct = try await fetcher.run("http://user:s3cret@127.0.0.1:\(port)/text", context: ToolContext())
        #expect(direct.text == "URL: http://127.0.0.1:\(port)/text\n\nline one\nline two")
        let redirected = try await fetcher.run(server.url("/goto?http://admin:hunter2@127.0.0.1:\(port)/text"), context: ToolContext())
        #expect(redirected.text == "URL: http://127.0.0.1:\(port)/text\n\nline one\nline two")
        for url in [
            "http://user:s3cret@127.0.0.1:\(port)/missing", "http://user:s3cret@10.0.0.1/", "http://user:s3cret@127.0.0.1:1/",
            "ftp://user:s3cret@127.0.0.1/", "http://user:s3cret@[::1/",
        ] {
            let result = try await fetcher.run(url, context: ToolContext())
            #expect(!result.ok)
            #expect(!result.text.contains("s3cret") && !result.text.contains("user:"), "\(result.text)")
        }
        #expect(FetchURL.removingCredentials(from: "see http://u:p@host/x?a=b@c and https://token@h2#f, mail a@b.c")
            == "see http://host/x?a=b@c and https://h2#f, mail a@b.c")
        #expect("\(FetchError.transferFailed("Failed to fetch http://u:pa55@host/x"))" == "the fetch failed: Failed to fetch http://host/x")
    }

    @Test("control characters from a server or a URL are shown escaped in error messages")
    func controlCharactersAreEscaped() async throws {
        let server = try LocalHTTPServer(routes: [
            "/evil-type": { _, c in c.respond(headers: ["Content-Type: image/x\u{1B}[2J\u{202E}gnp"], body: [0, 1, 2]) },
        ])
        let result = try await WebFetcher(options: FetchOptions(allowedPrivateEndpoints: [server.endpoint]))
            .run(server.url("/evil-type"), context: ToolContext())
        #expect(!result.ok)
        #expect(result.text == #"error: unsupported content type image/x\u{1B}[2j\u{202E}gnp"#, "\(result.text)")
        #expect(!result.text.unicodeScalars.contains { String.needsEscape($0) })
        #expect("\(FetchError.cannotResolve(host: "evil\u{1B}]0;pwned\u{7}.test"))" == #"cannot resolve host 'evil\u{1B}]0;pwned\u{7}.test'"#)
        #expect("\(FetchError.malformedURL("bad\u{202E}txt"))" == #"not a valid URL (bad\u{202E}txt)"#)
    }
}
