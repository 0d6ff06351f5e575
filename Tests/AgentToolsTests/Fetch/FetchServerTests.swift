import Foundation
import Testing
@testable import AgentTools

/// The fetcher against a real HTTP server on 127.0.0.1, allowed by an exact
/// "127.0.0.1:PORT" allowlist entry (private addresses stay blocked otherwise).
struct FetchServerTests {
    let server: LocalHTTPServer

    init() throws {
        server = try LocalHTTPServer(routes: FetchTestRoutes.routes)
    }

    func fetch(_ path: String, _ options: FetchOptions = FetchOptions()) async throws -> ToolResult {
        var options = options
        options.allowedPrivateEndpoints.insert(server.endpoint)
        return try await WebFetcher(options: options).run(server.url(path), context: ToolContext())
    }

    @Test("an HTML page: title, headings, lists, tables, entities; scripts, styles and navigation dropped")
    func htmlPage() async throws {
        let result = try await fetch("/page.html")
        #expect(result.ok)
        #expect(result.text == """
            URL: \(server.url("/page.html"))
            Title: Tea & Biscuits

            # Brewing tea
            Water at 95°C — not <boiling>. Café éé ©

            ## Steps
            - Warm the pot
            - Add leaves
            Tea: Black; Minutes: 4
            """)
        for dropped in ["secret", "color", "Home", "banner", "comment", "Enable scripts", "Related", "Copyright"] {
            #expect(!result.text.contains(dropped), "\(dropped) should be dropped")
        }
    }

    @Test("charsets: latin-1 from the header, windows-1252 from a meta tag, UTF-16 with a BOM")
    func charsets() async throws {
        #expect(try await fetch("/latin1-header").text == "URL: \(server.url("/latin1-header"))\nTitle: Café\n\nCrème brûlé")
        #expect(try await fetch("/latin1-meta").text.hasSuffix("\n\n“quoted” €5 né"))
        #expect(try await fetch("/utf16").text.hasSuffix("\n\nhéllo"))
    }

    @Test("plain text and JSON pass through; HTML without a Content-Type is recognised")
    func textAndJSON() async throws {
        #expect(try await fetch("/text").text == "URL: \(server.url("/text"))\n\nline one\nline two")
        #expect(try await fetch("/json").text.hasSuffix("\n\n{\"answer\": 42, \"list\": [1, 2]}"))
        #expect(try await fetch("/no-type").text.hasSuffix("Title: Sniffed\n\nhi"))
        #expect(try await fetch("/chunked").text.hasSuffix("\n\nfirst second third"))
        #expect(try await fetch("/gzip-small").text.hasSuffix("\n\ncompressed hello"))
    }

    @Test("images and other binaries are refused, naming the type")
    func binary() async throws {
        #expect(try await fetch("/image.png") == ToolResult(text: "error: unsupported content type image/png", ok: false))
    }

    @Test("HTTP errors are one line")
    func httpErrors() async throws {
        #expect(try await fetch("/missing") == ToolResult(text: "error: HTTP 404 Not Found", ok: false))
        #expect(try await fetch("/broken").text == "error: HTTP 500 Internal Server Error")
        #expect(try await fetch("/no-location").text == "error: HTTP 302 redirect without a Location")
    }

    @Test("redirects: up to 5 are followed, the sixth is refused")
    func redirects() async throws {
        #expect(try await fetch("/redirect?3").text == "URL: \(server.url("/redirect?0"))\n\narrived")
        #expect(try await fetch("/redirect?5").ok)
        #expect(try await fetch("/redirect?6").text == "error: too many redirects (more than 5)")
        #expect(try await fetch("/redirect?2", FetchOptions(maximumRedirects: 1)).text == "error: too many redirects (more than 1)")
    }

    @Test("a redirect to another scheme is refused")
    func redirectScheme() async throws {
        for target in ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1/", "dict://127.0.0.1/"] {
            #expect(try await fetch("/goto?\(target)").text == "error: only http and https URLs can be fetched", "\(target)")
        }
    }

    @Test("every redirect hop is re-checked: another port or another private address is refused")
    func redirectGuard() async throws {
        let other = try LocalHTTPServer(routes: FetchTestRoutes.routes)
        #expect(try await fetch("/goto?\(other.url("/text"))").text
            == "error: refused: 127.0.0.1 is a loopback address (private addresses are blocked)")
        #expect(try await fetch("/goto?http://10.0.0.1/").text
            == "error: refused: 10.0.0.1 is a private address (private addresses are blocked)")
        #expect(try await fetch("/goto?http://169.254.169.254/latest/meta-data/").text
            == "error: refused: 169.254.169.254 is the cloud metadata address (link-local and cloud metadata addresses are always blocked)")
        let open = try await WebFetcher(options: FetchOptions(allowPrivateAddresses: true))
            .run(server.url("/goto?\(other.url("/text"))"), context: ToolContext())
        #expect(open.text == "URL: \(other.url("/text"))\n\nline one\nline two")
    }

    @Test("a slow server hits the total timeout")
    func timeout() async throws {
        let started = ContinuousClock.now
        let result = try await fetch("/slow", FetchOptions(connectTimeout: .seconds(1), totalTimeout: .milliseconds(500)))
        #expect(result == ToolResult(text: "error: the page took longer than 0.5 s to load", ok: false))
        // Not a timing test: the server answers after 30 s; giving up long before shows
        // the timeout worked (with room for a loaded machine: the model tests in the same
        // process keep the cooperative threads busy for seconds at a time).
        #expect(ContinuousClock.now - started < .seconds(20))
        let deadline = try await WebFetcher(options: FetchOptions(allowedPrivateEndpoints: [server.endpoint]))
            .run(server.url("/slow"), context: ToolContext(deadline: .after(.milliseconds(300))))
        #expect(deadline.text.hasPrefix("error: the page took longer than 0."))
    }

    @Test("the size cap holds with and without Content-Length, and for a gzip bomb")
    func sizeCap() async throws {
        let small = FetchOptions(maximumBytes: 100_000)
        #expect(try await fetch("/huge-with-length", small).text == "error: the page is larger than 100 kB")
        #expect(try await fetch("/huge-without-length", small).text == "error: the page is larger than 100 kB")
        #expect(FetchTestRoutes.gzipBomb.count < 50_000)
        #expect(try await fetch("/gzip-bomb").text == "error: the page is larger than 2 MB")
        #expect(try await fetch("/huge-without-length", FetchOptions(maximumCharacters: 10)).ok)
    }

    @Test("long text is cut to the budget with a note")
    func truncation() async throws {
        let text = try await fetch("/long", FetchOptions(maximumCharacters: 100)).text
        let body = try #require(text.split(separator: "\n\n", maxSplits: 1).last)
        #expect(body.hasPrefix("word1 word2 "))
        #expect(body.hasSuffix(" more characters]"))
        #expect(body.split(separator: "\n").first!.count <= 100)
        #expect(body.contains("\n[… truncated: "))
    }

    @Test("the User-Agent names Ponder")
    func userAgent() async throws {
        #expect(try await fetch("/user-agent").text.hasSuffix("\n\nUser-Agent: Ponder/0.1 (+local agent)"))
    }

    @Test("allowPrivateAddresses opens every private address, localhost included")
    func allowPrivate() async throws {
        let fetcher = WebFetcher(options: FetchOptions(allowPrivateAddresses: true))
        let result = try await fetcher.run("http://localhost:\(server.port)/text", context: ToolContext())
        #expect(result.text.hasSuffix("\n\nline one\nline two"), "\(result.text)")
    }

    @Test("a closed port is a connection error")
    func connectionRefused() async throws {
        let port = try LocalHTTPServer(routes: [:]).port  // closed again at once
        let result = try await WebFetcher(options: FetchOptions(allowedPrivateEndpoints: ["127.0.0.1:\(port)"]))
            .run("http://127.0.0.1:\(port)/", context: ToolContext())
        #expect(result.text.hasPrefix("error: cannot connect: "), "\(result.text)")
        #expect(!result.ok)
    }

    @Test("cancelling the task aborts the transfer")
    func cancellation() async throws {
        let fetcher = WebFetcher(options: FetchOptions(allowedPrivateEndpoints: [server.endpoint]))
        let url = server.url("/slow")
        let started = ContinuousClock.now
        let task = Task { try await fetcher.run(url, context: ToolContext()) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(20))
    }
}
