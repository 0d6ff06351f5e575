@testable import APIServer
import Testing

/// Which Host and Origin the server answers and the body type it takes, without a socket.
struct HostPolicyTests {
    static func machine() -> [String] { ["build-box.example.org", "build-box", "192.168.1.20", "fe80::1"] }

    @Test("a loopback bind answers its own names only; a foreign Host (DNS rebinding) is a 403")
    func loopback() {
        let policy = HostPolicy(bindAddress: "127.0.0.1", machineNames: Self.machine)
        for host in ["127.0.0.1:8080", "localhost", "LOCALHOST.:8080", "[::1]:8080", "127.0.0.1"] {
            #expect(policy.check(authority: host, origin: nil) == .allowed(corsOrigin: nil), "\(host)")
        }
        for host in ["evil.example:8080", "build-box", "192.168.1.20", "127.0.0.1.evil.example", "localhost.evil.example"] {
            guard case .refused(let error) = policy.check(authority: host, origin: nil) else {
                Issue.record("\(host) was answered")
                continue
            }
            #expect(error.status == 403 && error.code == "host_not_allowed", "\(host)")
        }
        #expect(policy.check(authority: nil, origin: nil) != .allowed(corsOrigin: nil))
        #expect(policy.check(authority: "127.0.0.1", extraHostFields: 1, origin: nil) != .allowed(corsOrigin: nil))
    }

    @Test("every interface (0.0.0.0, ::) answers loopback names, the machine's names and addresses; --allowed-host adds; '*' answers all")
    func everyInterface() {
        for bind in ["0.0.0.0", "::"] {
            let policy = HostPolicy(bindAddress: bind, allowedHosts: ["Ponder.LAN"], machineNames: Self.machine)
            for host in ["localhost", "build-box:8080", "build-box.example.org", "192.168.1.20:8080", "[fe80::1]:8080", "ponder.lan"] {
                #expect(policy.check(authority: host, origin: nil) == .allowed(corsOrigin: nil), "\(bind) \(host)")
            }
            #expect(policy.check(authority: "evil.example", origin: nil) != .allowed(corsOrigin: nil), "\(bind)")
        }
        let specific = HostPolicy(bindAddress: "192.168.1.20", machineNames: Self.machine)
        #expect(specific.check(authority: "192.168.1.20:8080", origin: nil) == .allowed(corsOrigin: nil))
        #expect(specific.check(authority: "build-box", origin: nil) != .allowed(corsOrigin: nil))
        let any = HostPolicy(bindAddress: "0.0.0.0", allowedHosts: ["*"], machineNames: Self.machine)
        #expect(any.check(authority: "whatever.example", origin: nil) == .allowed(corsOrigin: nil))
    }

    @Test("Origin: the server's own is answered, a --cors one with CORS, any other (or 'null') is a 403")
    func origins() {
        let policy = HostPolicy(bindAddress: "127.0.0.1", corsOrigins: ["http://localhost:5173/"], machineNames: Self.machine)
        #expect(policy.check(authority: "127.0.0.1:8080", origin: "http://127.0.0.1:8080") == .allowed(corsOrigin: nil))
        #expect(policy.check(authority: "127.0.0.1:8080", origin: "http://LOCALHOST:5173") == .allowed(corsOrigin: "http://localhost:5173"))
        for origin in ["http://evil.example", "null", "http://127.0.0.1:8081", "http://localhost:5174", "file://"] {
            guard case .refused(let error) = policy.check(authority: "127.0.0.1:8080", origin: origin) else {
                Issue.record("\(origin) was answered")
                continue
            }
            #expect(error.status == 403 && error.code == "origin_not_allowed", "\(origin)")
        }
        #expect(HostPolicy.isValidOrigin("http://localhost:5173") && HostPolicy.isValidOrigin("https://app.example"))
        #expect(!HostPolicy.isValidOrigin("localhost:5173") && !HostPolicy.isValidOrigin("http://app.example/path")
            && !HostPolicy.isValidOrigin("ftp://app.example") && !HostPolicy.isValidOrigin("*"))
    }

    @Test("POST bodies must be declared application/json (415 otherwise)")
    func contentType() {
        #expect(HostPolicy.contentTypeProblem("application/json") == nil)
        #expect(HostPolicy.contentTypeProblem("Application/JSON; charset=utf-8") == nil)
        for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", nil] {
            #expect(HostPolicy.contentTypeProblem(type)?.status == 415, "\(String(describing: type))")
        }
    }
}
