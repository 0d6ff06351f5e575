import Foundation

/// The pages the fetcher's tests read from the local server.
enum FetchTestRoutes {
    static let page = """
        <!DOCTYPE html>
        <html><head><title>Tea &amp; Biscuits</title>
        <style>body { color: red }</style>
        <script>var secret = "do not show";</script>
        </head><body>
        <nav><a href="/">Home</a> | <a href="/about">About</a></nav>
        <header><p>Site banner</p></header>
        <!-- a comment -->
        <main><h1>Brewing   tea</h1>
        <p>Water at 95&deg;C &mdash; not &lt;boiling&gt;. Caf&eacute; &#233;&#xE9; &copy;</p>
        <h2>Steps</h2>
        <ul><li>Warm the pot</li><li>Add <a href="/leaves">leaves</a></li></ul>
        <noscript>Enable scripts</noscript>
        <table><tr><th>Tea</th><th>Minutes</th></tr><tr><td>Black</td><td>4</td></tr></table>
        </main>
        <aside>Related links</aside>
        <footer>Copyright</footer>
        </body></html>
        """

    static let routes: [String: LocalHTTPServer.Handler] = [
        "/page.html": { _, c in c.respond(type: "text/html; charset=utf-8", page) },
        "/latin1-header": { _, c in
            c.respond(headers: ["Content-Type: text/html; charset=ISO-8859-1"],
                      body: Array("<title>Caf".utf8) + [0xE9] + Array("</title><p>Cr".utf8) + [0xE8] + Array("me br".utf8) + [0xFB] + Array("l".utf8) + [0xE9, 0x3C, 0x2F, 0x70, 0x3E])
        },
        "/latin1-meta": { _, c in
            c.respond(headers: ["Content-Type: text/html"],
                      body: Array("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body><p>".utf8)
                        + [0x93] + Array("quoted".utf8) + [0x94, 0x20, 0x80, 0x35, 0x20, 0x6E, 0xE9] + Array("</p></body></html>".utf8))
        },
        "/utf16": { _, c in
            c.respond(headers: ["Content-Type: text/plain"], body: [0xFF, 0xFE] + Array("héllo".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        },
        "/text": { _, c in c.respond(type: "text/plain", "line one\r\nline two\n\n") },
        "/json": { _, c in c.respond(type: "application/json", #"{"answer": 42, "list": [1, 2]}"#) },
        "/no-type": { _, c in c.respond(body: Array("<!doctype html><title>Sniffed</title><p>hi</p>".utf8)) },
        "/image.png": { _, c in c.respond(headers: ["Content-Type: image/png"], body: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64)) },
        "/missing": { _, c in c.respond("404 Not Found", type: "text/html", "<h1>Not here</h1>") },
        "/broken": { _, c in c.respond("500 Internal Server Error", type: "text/plain", "oops") },
        "/redirect": { request, c in
            let remaining = Int(request.query) ?? 0
            if remaining == 0 { c.respond(type: "text/plain", "arrived") }
            else { c.respond("302 Found", headers: ["Location: /redirect?\(remaining - 1)"], body: []) }
        },
        "/goto": { request, c in c.respond("302 Found", headers: ["Location: \(request.query)"], body: []) },
        "/no-location": { _, c in c.respond("302 Found", headers: [], body: []) },
        "/slow": { _, c in
            // Long enough that finishing well before it proves the fetcher gave up.
            Thread.sleep(forTimeInterval: 30)
            c.respond(type: "text/plain", "finally")
        },
        "/huge-with-length": { _, c in
            c.respond(headers: ["Content-Type: text/plain"], body: [UInt8](repeating: UInt8(ascii: "a"), count: 300_000))
        },
        "/huge-without-length": { _, c in
            c.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
            for _ in 0..<30 { c.write([UInt8](repeating: UInt8(ascii: "b"), count: 10_000)) }
        },
        "/gzip-bomb": { _, c in
            c.respond(headers: ["Content-Type: text/plain", "Content-Encoding: gzip"], body: gzipBomb)
        },
        "/gzip-small": { _, c in
            c.respond(headers: ["Content-Type: text/plain", "Content-Encoding: gzip"], body: gzip("compressed hello"))
        },
        "/chunked": { _, c in
            c.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            for piece in ["first ", "second ", "third"] {
                c.write(String(piece.utf8.count, radix: 16) + "\r\n" + piece + "\r\n")
            }
            c.write("0\r\n\r\n")
        },
        "/user-agent": { request, c in
            let line = request.headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("user-agent:") } ?? ""
            c.respond(type: "text/plain", String(line))
        },
        "/loop-a": { _, c in c.respond("302 Found", headers: ["Location: /loop-b"], body: []) },
        "/loop-b": { _, c in c.respond("302 Found", headers: ["Location: /loop-a"], body: []) },
        "/silent": { _, _ in
            // Accepts, reads the request, never answers (the connection closes after 30 s).
            Thread.sleep(forTimeInterval: 30)
        },
        "/drip": { request, c in
            // ?N: a body of N bytes ("0123456789" repeated), one byte every 200 ms.
            let count = Int(request.query) ?? 10
            guard c.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(count)\r\nConnection: close\r\n\r\n") else { return }
            for index in 0..<count {
                Thread.sleep(forTimeInterval: 0.2)
                guard c.write([UInt8(ascii: "0") + UInt8(index % 10)]) else { return }
            }
        },
        "/broken.html": { _, c in c.respond(type: "text/html", brokenPage) },
        "/utf8-bom": { _, c in
            c.respond(headers: ["Content-Type: text/html"], body: [0xEF, 0xBB, 0xBF] + Array("<title>Bom</title><p>héllo wörld</p>".utf8))
        },
        "/utf8-bom.txt": { _, c in
            c.respond(headers: ["Content-Type: text/plain; charset=utf-8"], body: [0xEF, 0xBB, 0xBF] + Array("naïve text".utf8))
        },
        "/readme.md": { _, c in c.respond(type: "text/markdown; charset=utf-8", "# Title\n\n- *item* with `code`\n") },
        "/feed.xml": { _, c in c.respond(type: "application/xml", #"<?xml version="1.0"?><feed><title>News &amp; more</title></feed>"#) },
        "/feed.rss": { _, c in c.respond(type: "application/rss+xml", "<rss><channel/></rss>") },
        "/search": { request, c in
            // A SearXNG-like JSON answer that echoes the raw query string.
            let body = """
                {"query": "x", "number_of_results": 3, "results": [
                  {"title": "First  result", "url": "https://one.example/a", "content": "Snippet\\nwith &amp; entity", "engine": "x"},
                  {"title": "No snippet", "url": "https://two.example/", "content": null},
                  {"title": "No URL", "content": "dropped"},
                  {"title": "Echo", "url": "https://three.example/", "content": "\(request.query)"}
                ], "answers": [], "suggestions": []}
                """
            c.respond(type: "application/json", body)
        },
        "/search-empty": { _, c in c.respond(type: "application/json", #"{"results": []}"#) },
        "/search-broken": { _, c in c.respond(type: "application/json", #"{"results": [{"title": "cut"#) },
        "/search-html": { _, c in c.respond(type: "text/html", "<html><body>not JSON</body></html>") },
        "/search-forbidden": { _, c in c.respond("403 Forbidden", type: "text/html", "<h1>Forbidden</h1>") },
        "/long": { _, c in
            c.respond(type: "text/plain", (1...500).map { "word\($0)" }.joined(separator: " "))
        },
    ]

    /// Unclosed and stray tags, stray "<", a title with markup, an unterminated comment.
    static let brokenPage = """
        <html><head><title>Broken <b>page</title>
        <body><div><p>First para <b>bold <i>both</p>
        <p>Second para with a stray < sign and 3<4 and a <> pair</div></span></p>
        <ul><li>one<li>two</ul></ul></ul>
        <p>Third <a href=x>link</a tail junk> end</b></i></em>
        <p>Before comment <!-- never closed <p>hidden
        """

    /// 10 MB of zeros, gzipped (about 10 kB on the wire).
    static let gzipBomb: [UInt8] = shell("head -c 10000000 /dev/zero | gzip -9 -c")

    static func gzip(_ text: String) -> [UInt8] { shell("printf '%s' '\(text)' | gzip -c") }

    private static func shell(_ command: String) -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { return [] }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}
