import Testing
@testable import AgentTools

/// HTML to readable text, and charset detection, without a network.
struct HTMLTextTests {
    func text(_ html: String) -> String { HTMLText(html: html).text }

    @Test("entities: named, decimal, hex, unknown, windows-1252 range")
    func entities() {
        #expect(HTMLEntities.decode("a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; &#x263A; &#128512;") == "a & b <c> \"d\" 'e' ☺ 😀")
        #expect(HTMLEntities.decode("&unknown; &amp &#150; &#0; &#xD800;") == "&unknown; & – \u{FFFD} \u{FFFD}")
        #expect(HTMLEntities.decode("AT&T") == "AT&T")
    }

    @Test("comments, scripts and navigation vanish; headers inside an article stay")
    func dropped() {
        #expect(text("<p>a<!-- <p>hidden</p> -->b</p><script>if (a < b) {}</script><style>p{}</style>") == "ab")
        #expect(text("<SCRIPT type=x>alert('</p>')</SCRIPT><p>kept</p>") == "kept")
        #expect(text("<header>Site</header><article><header><h1>Story</h1></header><p>Body</p><footer>By me</footer></article><footer>Legal</footer>")
            == "# Story\nBody\nBy me")
        #expect(text("<nav><ul><li>Menu</li></ul></nav><p>Content</p><svg><text>chart</text></svg>") == "Content")
    }

    @Test("blocks, whitespace, preformatted text and attributes with '>'")
    func layout() {
        #expect(text("<div>one\n   two</div><div>three<br>four</div>") == "one two\nthree\nfour")
        #expect(text("<p>x</p><h3>Title</h3><p>y</p>") == "x\n\n### Title\ny")
        #expect(text("<pre>let a = 1\n    b = 2</pre>") == "let a = 1\n    b = 2")
        #expect(text("<a href=\"x>y\" title='>'>link</a> text") == "link text")
        #expect(text("1 < 2 and 3 > 2") == "1 < 2 and 3 > 2")
        #expect(HTMLText(html: "<title>\n A &amp; B \n</title><p>x").title == "A & B")
        #expect(HTMLText(html: "<p>no title</p>").title == nil)
    }

    @Test("charsets: header, BOM, meta, fallback with replacement")
    func charsets() {
        #expect(CharsetDecoder.decode([0x63, 0x61, 0x66, 0xE9], headerCharset: "latin1", isHTML: false) == "café")
        #expect(CharsetDecoder.decode([0x63, 0x61, 0x66, 0xE9], headerCharset: nil, isHTML: false) == "caf\u{FFFD}")
        #expect(CharsetDecoder.decode([0x41, 0x80], headerCharset: "us-ascii", isHTML: false) == "A€")
        #expect(CharsetDecoder.decode([0xEF, 0xBB, 0xBF, 0x68, 0x69], headerCharset: "latin1", isHTML: false) == "hi")
        #expect(CharsetDecoder.decode([0xFE, 0xFF, 0x00, 0x68, 0x00, 0xE9], headerCharset: nil, isHTML: false) == "hé")
        #expect(CharsetDecoder.decode([0x68, 0x00, 0xE9, 0x00], headerCharset: "utf-16le", isHTML: false) == "hé")
        let meta = Array("<meta charset='ISO-8859-1'><p>".utf8) + [0xE9]
        #expect(CharsetDecoder.decode(meta, headerCharset: nil, isHTML: true).hasSuffix("é"))
        #expect(CharsetDecoder.metaCharset(in: Array(#"<meta http-equiv="content-type" content="text/html;charset=windows-1252">"#.utf8)) == "windows-1252")
        #expect(CharsetDecoder.decode([0xE9], headerCharset: "x-unknown", isHTML: false) == "\u{FFFD}")
        let media = MediaType("Text/HTML; Charset=\"UTF-8\"")
        #expect(media.name == "text/html" && media.charset == "utf-8")
    }

    @Test("content kinds")
    func kinds() {
        #expect(ContentKind(contentType: "application/ld+json") == .text)
        #expect(ContentKind(contentType: "application/pdf") == .unsupported("application/pdf"))
        #expect(ContentKind(contentType: "application/xhtml+xml; charset=utf-8") == .html)
        #expect(ContentKind(sniffing: [0x89, 0x50, 0x4E, 0x47, 0x00]) == .unsupported("application/octet-stream"))
    }

    @Test("truncation cuts at a word and counts the rest")
    func truncation() {
        #expect(PageRenderer.truncate("short", to: 10) == "short")
        #expect(PageRenderer.truncate("alpha beta gamma", to: 12) == "alpha beta\n[… truncated: 6 more characters]")
    }
}
