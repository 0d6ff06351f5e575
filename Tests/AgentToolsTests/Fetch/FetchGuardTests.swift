import Testing
@testable import AgentTools

/// The SSRF guard and URL checks: every case here is refused before any connection is
/// made, so no test sends a packet anywhere.
struct FetchGuardTests {
    @Test("non-public addresses are refused in every spelling, naming the address class", arguments: [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://localhost/", "localhost resolves to "),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://2130706433/", "127.0.0.1 is a loopback address"),
        ("http://0x7f.1/", "127.0.0.1 is a loopback address"),
        ("http://127.1/", "127.0.0.1 is a loopback address"),
        ("http://017700000001/", "127.0.0.1 is a loopback address"),
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("http://192.168.1.1/", "192.168.1.1 is a private address"),
        ("http://172.16.0.1/", "172.16.0.1 is a private address"),
        ("http://172.31.255.255/", "172.31.255.255 is a private address"),
        ("http://100.64.0.1/", "100.64.0.1 is a carrier-grade NAT address"),
        ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
        ("http://[::]/", ":: is an unspecified address"),
        ("http://255.255.255.255/", "255.255.255.255 is the broadcast address"),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("http://[ff02::1]/", "ff02::1 is a multicast address"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 is a loopback address"),
        ("http://[::ffff:10.0.0.1]/", "::ffff:10.0.0.1 is a private address"),
        ("http://[fc00::1]/", "fc00::1 is a unique-local IPv6 address"),
        ("http://[fd12:3456::1]/", "fd12:3456::1 is a unique-local IPv6 address"),
        ("https://127.0.0.1:8443/x", "127.0.0.1 is a loopback address"),
        ("127.0.0.1:8080/x", "127.0.0.1 is a loopback address"),
    ])
    func refused(url: String, expected: String) async throws {
        let fetcher = WebFetcher()
        let parsed = try FetchURL.fromInput(url)
        #expect(throws: FetchError.self) { try fetcher.checkedAddresses(of: parsed) }
        let result = try await fetcher.run(url, context: ToolContext())
        #expect(!result.ok)
        #expect(result.text.hasPrefix("error: refused: \(expected)"), "\(result.text)")
        #expect(result.text.hasSuffix("(private addresses are blocked)"))
    }

    @Test("the allowlist admits exactly one address and port")
    func allowlist() throws {
        let fetcher = WebFetcher(options: FetchOptions(allowedPrivateEndpoints: ["127.0.0.1:8080", "[::1]:8080"]))
        #expect(try fetcher.checkedAddresses(of: FetchURL.parse("http://127.0.0.1:8080/")).map(\.text) == ["127.0.0.1"])
        #expect(try fetcher.checkedAddresses(of: FetchURL.parse("http://[::1]:8080/")).map(\.text) == ["::1"])
        #expect(throws: FetchError.refusedAddress(host: "127.0.0.1", address: "127.0.0.1", kind: .loopback)) {
            try fetcher.checkedAddresses(of: FetchURL.parse("http://127.0.0.1:8081/"))
        }
        #expect(throws: FetchError.self) { try fetcher.checkedAddresses(of: FetchURL.parse("http://127.0.0.2:8080/")) }
        #expect(throws: FetchError.self) { try fetcher.checkedAddresses(of: FetchURL.parse("http://10.0.0.1:8080/")) }
        let open = WebFetcher(options: FetchOptions(allowPrivateAddresses: true))
        #expect(try open.checkedAddresses(of: FetchURL.parse("http://10.0.0.1/")).map(\.kind) == [.private])
    }

    @Test("address classes, public ones included")
    func classes() {
        #expect(AddressKind.of(ipv4: [8, 8, 8, 8]) == .public)
        #expect(AddressKind.of(ipv4: [172, 32, 0, 1]) == .public)
        #expect(AddressKind.of(ipv4: [100, 128, 0, 1]) == .public)
        #expect(AddressKind.of(ipv4: [172, 15, 0, 1]) == .public)
        #expect(AddressKind.of(ipv4: [192, 0, 0, 1]) == .reserved)
        #expect(AddressKind.of(ipv4: [240, 0, 0, 1]) == .reserved)
        let global: [UInt8] = [0x26, 0x06, 0x47, 0x00] + [UInt8](repeating: 0, count: 11) + [1]
        #expect(AddressKind.of(ipv6: global) == .public)
        let nat64: [UInt8] = [0, 0x64, 0xff, 0x9b] + [UInt8](repeating: 0, count: 8) + [127, 0, 0, 1]
        #expect(AddressKind.of(ipv6: nat64) == .loopback)
        let sixToFour: [UInt8] = [0x20, 0x02, 192, 168, 0, 1] + [UInt8](repeating: 0, count: 10)
        #expect(AddressKind.of(ipv6: sixToFour) == .private)
    }

    @Test("URLs: empty, spaces, schemes; https is assumed without a scheme")
    func urls() async throws {
        let fetcher = WebFetcher()
        for (input, expected) in [
            ("", "error: no URL given"), ("   ", "error: no URL given"),
            ("http://exa mple.com/", "error: the URL contains spaces; write them as %20"),
            ("file:///etc/passwd", "error: only http and https URLs can be fetched"),
            ("ftp://example.com/", "error: only http and https URLs can be fetched"),
            ("javascript:alert(1)", "error: only http and https URLs can be fetched"),
            ("mailto:someone@example.com", "error: only http and https URLs can be fetched"),
            ("data:text/html,hi", "error: only http and https URLs can be fetched"),
            ("http://", "error: not a valid URL (No host part in the URL)"),
        ] {
            #expect(try await fetcher.run(input, context: ToolContext()) == ToolResult(text: expected, ok: false), "\(input)")
        }
        #expect(try FetchURL.fromInput("example.com/page").text == "https://example.com/page")
        #expect(try FetchURL.fromInput("  <https://example.com/a?b=1#top>  ").text == "https://example.com/a?b=1#top")
        #expect(try FetchURL.fromInput("localhost:8080/x") == FetchURL(text: "https://localhost:8080/x", scheme: "https", host: "localhost", port: 8080))
        #expect(try FetchURL.fromInput("HTTP://Example.COM").port == 80)
        #expect(try FetchURL.fromInput("http://[::1]:81/").host == "[::1]")
    }

    @Test("error lines read well")
    func messages() {
        #expect("\(FetchError.cannotResolve(host: "x"))" == "cannot resolve host 'x'")
        #expect("\(FetchError.connectTimeout(.seconds(10)))" == "connection timed out after 10 s")
        #expect("\(FetchError.totalTimeout(.milliseconds(1500)))" == "the page took longer than 1.5 s to load")
        #expect("\(FetchError.tooLarge(limit: 2_000_000))" == "the page is larger than 2 MB")
        #expect("\(FetchError.tooLarge(limit: 1500))" == "the page is larger than 1500 bytes")
        #expect("\(FetchError.httpStatus(599))" == "HTTP 599")
        #expect("\(FetchError.refusedAddress(host: "a.test", address: "10.1.2.3", kind: .private))"
            == "refused: a.test resolves to 10.1.2.3, a private address (private addresses are blocked)")
    }

    @Test("the tool's identity")
    func identity() {
        let tool: any Tool = WebFetcher()
        #expect(tool.name == "fetch")
        #expect(!tool.description.contains("\n"))
        #expect(FetchOptions().maximumRedirects == 5)
        #expect(FetchOptions().userAgent == "Ponder/0.1 (+local agent)")
    }
}
