import Foundation
import Testing
@testable import AgentTools

/// The fetcher against misbehaving servers and pages: redirect loops, silence, slow
/// drips, broken HTML, byte-order marks, and text formats passed through.
struct FetchRobustnessTests {
    let server: LocalHTTPServer

    init() throws {
        server = try LocalHTTPServer(routes: FetchTestRoutes.routes)
    }

    func fetch(_ path: String, _ options: FetchOptions = FetchOptions()) async throws -> ToolResult {
        var options = options
        options.allowedPrivateEndpoints.insert(server.endpoint)
        return try await WebFetcher(options: options).run(server.url(path), context: ToolContext())
    }

    @Test("a redirect loop (A → B → A …) is too many redirects")
    func redirectLoop() async throws {
        #expect(try await fetch("/loop-a") == ToolResult(text: "error: too many redirects (more than 5)", ok: false))
        #expect(try await fetch("/loop-b", FetchOptions(maximumRedirects: 2)).text == "error: too many redirects (more than 2)")
    }

    @Test("a server that accepts but never answers hits the total timeout")
    func silentServer() async throws {
        let started = ContinuousClock.now
        let result = try await fetch("/silent", FetchOptions(connectTimeout: .seconds(1), totalTimeout: .milliseconds(500)))
        #expect(result == ToolResult(text: "error: the page took longer than 0.5 s to load", ok: false))
        // Not a timing test: the server holds the connection for 30 s.
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test("a drip slower than the total timeout is a timeout; one within it succeeds")
    func drip() async throws {
        let started = ContinuousClock.now
        // 200 bytes at 200 ms each is 40 s; the budget is 1 s. Finishing far sooner
        // shows the transfer was cut (the bound leaves room for a loaded machine).
        let slow = try await fetch("/drip?200", FetchOptions(totalTimeout: .seconds(1)))
        #expect(slow == ToolResult(text: "error: the page took longer than 1 s to load", ok: false))
        #expect(ContinuousClock.now - started < .seconds(25))
        // 4 bytes take about 0.8 s; the budget is generous.
        let quick = try await fetch("/drip?4", FetchOptions(totalTimeout: .seconds(15)))
        #expect(quick.text == "URL: \(server.url("/drip?4"))\n\n0123", "\(quick.text)")
    }

    @Test("broken HTML still reads: unclosed and stray tags, stray '<', an unterminated comment")
    func brokenPage() async throws {
        let result = try await fetch("/broken.html")
        #expect(result.ok)
        let text = result.text
        for expected in ["First para bold both", "Second para with a stray < sign and 3<4", "- one", "- two", "Third link end", "Before comment"] {
            #expect(text.contains(expected), "\(expected) missing from \(text)")
        }
        #expect(!text.contains("hidden"))
    }

    @Test("broken HTML never crashes the scanner", arguments: [
        "<", "<<", "</", "<!", "<!-", "<!--", "<!-- x", "<?", "<?xml", "<a", "<a href", "<a href=", "<a href=\"",
        "<a href='x", "<p", "<p>text", "</p></div></body>", "<script>", "<script>if (a < b) {", "<style>p {",
        "<title>", "<title>unterminated", "<ti", "&", "&#", "&#x", "&#xZZ;", "&#99999999999999999999;", "&amp",
        "<p>a<b>b<i>c</p>d</b>e</i>", "<table><tr><td>x<td>y<tr><td>z", "<ul><li>a<li>b", "<pre>open",
        "<br/><br /><img src=x>", "<!DOCTYPE", "<![CDATA[ x", "a < b > c", "<<p>>", "<p =x>y", "\u{0}<p>\u{0}",
    ])
    func brokenFragments(_ html: String) {
        let page = HTMLText(html: html)
        #expect(page.text.count <= html.unicodeScalars.count + 8)
        #expect(!page.text.contains("<p>"))
    }

    @Test("scripts left open and unterminated comments hide what follows, not what precedes")
    func unterminated() {
        #expect(HTMLText(html: "<p>before</p><script>var x = '<p>after</p>'").text == "before")
        #expect(HTMLText(html: "<p>before</p><!-- <p>after</p>").text == "before")
        #expect(HTMLText(html: "<p>one<p>two<div>three").text == "one\ntwo\nthree")
        // As in a browser, an attribute quote left open swallows the rest of the page.
        #expect(HTMLText(html: "<p>kept</p><a href=\"x>lost").text == "kept")
    }

    @Test("a UTF-8 byte-order mark is honoured and not shown")
    func utf8BOM() async throws {
        let html = try await fetch("/utf8-bom").text
        #expect(html == "URL: \(server.url("/utf8-bom"))\nTitle: Bom\n\nhéllo wörld")
        let text = try await fetch("/utf8-bom.txt").text
        #expect(text == "URL: \(server.url("/utf8-bom.txt"))\n\nnaïve text")
        #expect(!html.unicodeScalars.contains("\u{FEFF}") && !text.unicodeScalars.contains("\u{FEFF}"))
    }

    @Test("text/markdown and XML pass through as text")
    func markdownAndXML() async throws {
        #expect(try await fetch("/readme.md").text == "URL: \(server.url("/readme.md"))\n\n# Title\n\n- *item* with `code`")
        #expect(try await fetch("/feed.xml").text.hasSuffix("\n\n<?xml version=\"1.0\"?><feed><title>News &amp; more</title></feed>"))
        #expect(try await fetch("/feed.rss").text.hasSuffix("\n\n<rss><channel/></rss>"))
        #expect(ContentKind(contentType: "text/markdown") == .text)
        #expect(ContentKind(contentType: "text/x-markdown; charset=utf-8") == .text)
        #expect(ContentKind(contentType: "application/xml") == .text)
        #expect(ContentKind(contentType: "text/xml") == .text)
    }
}
