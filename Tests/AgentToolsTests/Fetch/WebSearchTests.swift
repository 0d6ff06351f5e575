import Foundation
import Testing
@testable import AgentTools

/// The web_search tool against a SearXNG-like JSON route on the local test server. The
/// endpoint is given to the initializer; the environment is never changed.
struct WebSearchTests {
    let server: LocalHTTPServer

    init() throws {
        server = try LocalHTTPServer(routes: FetchTestRoutes.routes)
    }

    func search(_ query: String, path: String = "/search", results: Int = 5) async throws -> ToolResult {
        try await WebSearch(endpoint: server.url(path), maximumResults: results).run(query, context: ToolContext())
    }

    @Test("results are numbered with title, URL and a one-line snippet; the loopback endpoint is allowed")
    func results() async throws {
        let result = try await search("tea & biscuits")
        #expect(result.ok)
        #expect(result.text == """
            1. First result — https://one.example/a
               Snippet with & entity
            2. No snippet — https://two.example/
            3. Echo — https://three.example/
               q=tea%20%26%20biscuits&format=json
            """)
    }

    @Test("the number of results is capped")
    func cap() async throws {
        #expect(try await search("x", results: 1).text == "1. First result — https://one.example/a\n   Snippet with & entity")
    }

    @Test("no results is a plain answer")
    func empty() async throws {
        #expect(try await search("nothing", path: "/search-empty") == ToolResult(text: "No results for \"nothing\"."))
    }

    @Test("broken JSON, non-JSON and HTTP errors are one line")
    func errors() async throws {
        let bad = "error: the search endpoint did not answer with SearXNG JSON results"
        #expect(try await search("x", path: "/search-broken") == ToolResult(text: bad, ok: false))
        #expect(try await search("x", path: "/search-html") == ToolResult(text: bad, ok: false))
        #expect(try await search("x", path: "/missing").text == "error: the search failed: HTTP 404 Not Found")
        #expect(try await search("x", path: "/search-forbidden").text
            == "error: the search failed: HTTP 403 Forbidden (does the endpoint allow format=json?)")
        #expect(try await search("   ") == ToolResult(text: "error: no search query given", ok: false))
    }

    @Test("unset or blank, the tool says how to configure it")
    func unset() async throws {
        let message = "error: web search is not configured: set PONDER_SEARCH_URL to a SearXNG-compatible JSON endpoint"
        for endpoint in [nil, "", "  "] as [String?] {
            #expect(try await WebSearch(endpoint: endpoint).run("x", context: ToolContext()) == ToolResult(text: message, ok: false))
        }
        #expect(WebSearch.configuredEndpoint(environment: [:]) == nil)
        #expect(WebSearch.configuredEndpoint(environment: ["PONDER_SEARCH_URL": " "]) == nil)
        #expect(WebSearch.configuredEndpoint(environment: ["PONDER_SEARCH_URL": "http://h:8888/search"]) == "http://h:8888/search")
        #expect(try await WebSearch(endpoint: "ftp://h/").run("x", context: ToolContext()).text
            == "error: PONDER_SEARCH_URL is not a usable http(s) URL: only http and https URLs can be fetched")
    }

    @Test("only the endpoint itself is allowed: a redirect to another private port is refused")
    func guardStaysOn() async throws {
        let other = try LocalHTTPServer(routes: FetchTestRoutes.routes)
        let result = try await WebSearch(endpoint: server.url("/goto?\(other.url("/search"))")).run("x", context: ToolContext())
        #expect(result.text == "error: the search failed: refused: 127.0.0.1 is a loopback address (private addresses are blocked)")
    }

    @Test("the request URL keeps the endpoint's own query and encodes UTF-8")
    func requestURL() {
        #expect(WebSearch.requestURL(endpoint: "http://h/search", query: "a b") == "http://h/search?q=a%20b&format=json")
        #expect(WebSearch.requestURL(endpoint: "http://h/s?lang=en", query: "é/?") == "http://h/s?lang=en&q=%C3%A9%2F%3F&format=json")
        #expect(WebSearch.requestURL(endpoint: "http://h/s?", query: "x") == "http://h/s?q=x&format=json")
    }
}
