/// How a response body is read: HTML is turned into text, text passes through, and
/// anything else (images, PDFs, archives) is refused, naming its type.
enum ContentKind: Equatable, Sendable {
    case html
    case text
    case unsupported(String)

    /// The kind named by a Content-Type header ("text/html; charset=utf-8").
    init(contentType: String) {
        let type = MediaType(contentType).name
        switch type {
        case "text/html", "application/xhtml+xml": self = .html
        case _ where type.hasPrefix("text/"): self = .text
        case "application/json", "application/xml", "application/javascript", "application/ecmascript",
             "application/x-ndjson", "application/x-yaml", "application/yaml", "application/toml":
            self = .text
        case _ where type.hasSuffix("+json") || type.hasSuffix("+xml"): self = .text
        case "": self = .unsupported("(empty)")
        default: self = .unsupported(type)
        }
    }

    /// The kind of a body that came without a Content-Type: binary data (a NUL byte
    /// early on) is refused, markup that starts like HTML is HTML, the rest is text.
    init(sniffing body: [UInt8]) {
        let start = body.prefix(1024)
        if start.contains(0), !start.starts(with: [0xFF, 0xFE]), !start.starts(with: [0xFE, 0xFF]) {
            self = .unsupported("application/octet-stream")
            return
        }
        let text = String(decoding: start.prefix(256), as: UTF8.self).drop { $0.isWhitespace }.lowercased()
        self = text.hasPrefix("<!doctype html") || text.hasPrefix("<html") ? .html : .text
    }
}

/// A Content-Type value split into its lowercased media type and charset parameter.
struct MediaType: Equatable, Sendable {
    let name: String
    let charset: String?

    init(_ header: String) {
        let parts = header.split(separator: ";", omittingEmptySubsequences: false)
        name = (parts.first.map { String($0.trimmingWhitespace) } ?? "").lowercased()
        var charset: String?
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingWhitespace.lowercased() == "charset" else { continue }
            var value = pair[1].trimmingWhitespace
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
            charset = value.lowercased()
        }
        self.charset = charset
    }
}
