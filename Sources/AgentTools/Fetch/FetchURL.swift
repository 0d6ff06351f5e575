import CCurl

/// A URL as curl itself reads it: parsing with curl's own URL API means the host the
/// SSRF guard checks is exactly the host curl would connect to (no parser differences).
struct FetchURL: Sendable, Equatable {
    /// The normalised URL handed to curl.
    let text: String
    /// "http" or "https".
    let scheme: String
    /// The host as curl has it: "example.com", "127.0.0.1", "[::1]".
    let host: String
    /// The port curl will connect to (the scheme's default when none is written).
    let port: Int

    static let maximumLength = 8_000

    /// `text` as the model and traces may see it: without the "user:password@" a URL
    /// can carry (curl still sends them).
    var displayText: String { Self.removingCredentials(from: text) }

    /// `text` with the user information ("user:password@", "token@") removed from every
    /// URL in it: from each "://" up to the last "@" before the authority ends ("/",
    /// "?", "#", whitespace or a quote).
    static func removingCredentials(from text: String) -> String {
        guard text.contains("@"), text.contains("://") else { return text }
        var result = ""
        var rest = Substring(text)
        while let separator = rest.range(of: "://") {
            result += rest[..<separator.upperBound]
            rest = rest[separator.upperBound...]
            let authority = rest.prefix { !"/?#\"'<> \t\r\n".contains($0) }
            if let at = authority.lastIndex(of: "@") {
                rest = rest[rest.index(after: at)...]
            }
        }
        return result + rest
    }

    /// The URL the model wrote: surrounding whitespace, quotes and angle brackets are
    /// ignored, and a URL without a scheme ("example.com/page") is taken as https.
    static func fromInput(_ input: String) throws(FetchError) -> FetchURL {
        var text = Substring(input).trimmingWhitespace
        for (open, close) in [("<", ">"), ("\"", "\""), ("'", "'")] where text.count >= 2 {
            if text.hasPrefix(open), text.hasSuffix(close) { text = text.dropFirst().dropLast().trimmingWhitespace }
        }
        guard !text.isEmpty else { throw .emptyURL }
        guard !text.contains(where: \.isWhitespace) else { throw .spaceInURL }
        if explicitScheme(of: text) == nil { text = "https://" + text }
        return try parse(String(text))
    }

    /// An absolute URL (the first request, or a redirect's target).
    static func parse(_ text: String) throws(FetchError) -> FetchURL {
        guard text.utf8.count <= maximumLength else { throw .malformedURL("longer than \(maximumLength) characters") }
        if let scheme = explicitScheme(of: Substring(text)), !["http", "https"].contains(scheme.lowercased()) {
            throw .unsupportedScheme(scheme)
        }
        guard let handle = curl_url() else { throw .transferFailed("out of memory") }
        defer { curl_url_cleanup(handle) }
        let status = curl_url_set(handle, CURLUPART_URL, text, UInt32(CURLU_NON_SUPPORT_SCHEME))
        guard status == CURLUE_OK else { throw .malformedURL(String(cString: curl_url_strerror(status))) }
        let scheme = try part(handle, CURLUPART_SCHEME)
        guard scheme == "http" || scheme == "https" else { throw .unsupportedScheme(scheme) }
        let host = try part(handle, CURLUPART_HOST)
        guard !host.isEmpty else { throw .malformedURL("no host") }
        guard let port = Int(try part(handle, CURLUPART_PORT, flags: UInt32(CURLU_DEFAULT_PORT))) else {
            throw .malformedURL("bad port")
        }
        return FetchURL(text: try part(handle, CURLUPART_URL), scheme: scheme, host: host, port: port)
    }

    private static func part(_ handle: OpaquePointer, _ which: CURLUPart, flags: UInt32 = 0) throws(FetchError) -> String {
        var value: UnsafeMutablePointer<CChar>?
        let status = curl_url_get(handle, which, &value, flags)
        guard status == CURLUE_OK, let value else { throw .malformedURL(String(cString: curl_url_strerror(status))) }
        defer { curl_free(value) }
        return String(cString: value)
    }

    /// The scheme written before ":" — unless what follows the colon is a port
    /// ("localhost:8080/page" has none).
    private static func explicitScheme(of text: Substring) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = text[..<colon]
        guard let first = name.first, first.isASCII, first.isLetter,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) })
        else { return nil }
        let rest = text[text.index(after: colon)...]
        if rest.hasPrefix("//") { return String(name) }
        let portDigits = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if !portDigits.isEmpty, portDigits.allSatisfy(\.isASCII), portDigits.allSatisfy(\.isNumber) { return nil }
        return String(name)
    }
}

extension Substring {
    /// Without leading and trailing whitespace.
    var trimmingWhitespace: Substring {
        guard let start = firstIndex(where: { !$0.isWhitespace }), let end = lastIndex(where: { !$0.isWhitespace }) else {
            return self[endIndex...]
        }
        return self[start...end]
    }
}
