/// Turns a fetched body into what the model reads:
///
///     URL: https://example.com/final
///     Title: Example Domain
///
///     # Example Domain
///     This domain is for use in illustrative examples in documents.
///
/// The "Title:" line appears only for HTML with a title; plain text and JSON follow the
/// blank line unchanged (line endings normalised). Text past the character budget is
/// cut with a last line "[… truncated: N more characters]".
enum PageRenderer {
    static func render(url: String, contentType: String?, body: [UInt8], maximumCharacters: Int) throws(FetchError) -> String {
        let kind = contentType.map(ContentKind.init(contentType:)) ?? ContentKind(sniffing: body)
        let charset = contentType.flatMap { MediaType($0).charset }
        var title: String?
        var text: String
        switch kind {
        case .unsupported(let type):
            throw .unsupportedContentType(type)
        case .html:
            let page = HTMLText(html: CharsetDecoder.decode(body, headerCharset: charset, isHTML: true))
            title = page.title
            text = page.text
        case .text:
            text = CharsetDecoder.decode(body, headerCharset: charset, isHTML: false)
            // "\r\n" is one Character in Swift, so it is matched as a whole.
            text = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
                .joined(separator: "\n")
            text = String(text.reversed().drop { $0.isWhitespace }.reversed())
        }
        if text.isEmpty { text = "(the page has no readable text)" }
        var lines = ["URL: \(url)"]
        if let title { lines.append("Title: \(title)") }
        return lines.joined(separator: "\n") + "\n\n" + truncate(text, to: maximumCharacters)
    }

    /// `text` cut to `limit` characters (at a line or word boundary when one is near),
    /// with a note saying how much was left out.
    static func truncate(_ text: String, to limit: Int) -> String {
        let total = text.count
        guard total > limit else { return text }
        var cut = text.prefix(max(0, limit))
        if let boundary = cut.lastIndex(where: { $0 == "\n" || $0 == " " }),
           cut.distance(from: boundary, to: cut.endIndex) < 200 {
            cut = cut[..<boundary]
        }
        return "\(cut)\n[… truncated: \(total - cut.count) more characters]"
    }
}
