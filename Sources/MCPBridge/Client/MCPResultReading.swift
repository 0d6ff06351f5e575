import AgentTools
import Foundation
import MCP

/// Reads an MCP `tools/call` result (JSON) into what the model reads: the text
/// items joined, each image saved as a file (listed in `files`), other items named
/// in a line, `isError` as a failed result ("error: …"), and the text cut to a
/// limit with a note saying how much was cut.
///
/// Nothing a server sends is trusted: an item that is not what the protocol says
/// becomes a line saying so, never a crash or a lost result.
public struct MCPResultReading: Sendable {
    /// Where images are saved.
    public let outputDirectory: String
    /// The text is cut to this many characters.
    public let maximumCharacters: Int

    /// A reader saving images into `outputDirectory` and cutting text at `maximumCharacters`.
    public init(outputDirectory: String, maximumCharacters: Int) {
        self.outputDirectory = outputDirectory
        self.maximumCharacters = maximumCharacters
    }

    /// The result of the call of `tool` that returned `result`.
    public func toolResult(_ result: Value, tool: String) -> ToolResult {
        guard case .object(let members) = result else {
            return ToolResult(text: "error: the server's reply to '\(tool)' is not a tool result (a JSON object)", ok: false)
        }
        let isError = members["isError"]?.boolValue ?? false
        var lines: [String] = []
        var files: [String] = []
        switch members["content"] {
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                lines.append(read(item, index: index, tool: tool, files: &files))
            }
        case nil, .null?:
            break
        default:
            lines.append("[the server's content is not a list]")
        }
        if lines.isEmpty, let structured = members["structuredContent"], structured != .null {
            lines.append(Self.jsonText(structured))
        }
        var text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { text = isError ? "the tool failed and said nothing" : "(the tool returned nothing)" }
        text = cut(text)
        if isError {
            return ToolResult(text: text.hasPrefix("error") ? text : "error: " + text, ok: false, files: files)
        }
        return ToolResult(text: text, files: files)
    }

    /// One content item as a line (an image saved, its path named).
    private func read(_ item: Value, index: Int, tool: String, files: inout [String]) -> String {
        guard case .object(let fields) = item else { return "[content item \(index + 1) is not an object]" }
        let type = fields["type"]?.stringValue ?? ""
        switch type {
        case "text":
            guard let text = Self.string(fields["text"]) else { return "[text item \(index + 1) has no text]" }
            return text
        case "image":
            let mimeType = fields["mimeType"]?.stringValue ?? Self.mimeType(of: fields["data"]) ?? "image/png"
            guard let data = Self.bytes(fields["data"]) else { return "[image item \(index + 1) could not be decoded]" }
            do {
                let path = try save(data, tool: tool, index: index, mimeType: mimeType)
                files.append(path)
                return "image saved: \(path)"
            } catch {
                return "[image item \(index + 1) could not be saved: \(error.localizedDescription)]"
            }
        case "audio":
            return "[audio item \(index + 1) not shown]"
        case "resource":
            let resource = fields["resource"]?.objectValue ?? [:]
            if let text = Self.string(resource["text"]) { return text }
            return "[resource \(resource["uri"]?.stringValue ?? "item \(index + 1)") not shown]"
        case "resource_link":
            return "resource: " + (fields["uri"]?.stringValue ?? "(no address)")
        default:
            return "[content item \(index + 1) of unknown type '\(type)' not shown]"
        }
    }

    /// `text` cut to the limit, with a note.
    func cut(_ text: String) -> String {
        guard text.count > maximumCharacters else { return text }
        return String(text.prefix(maximumCharacters))
            + "\n[… cut: the result had \(text.count) characters; only the first \(maximumCharacters) are shown]"
    }

    /// Writes an image into the output folder as `mcp-TOOL-N.EXT`, a name not yet taken.
    private func save(_ data: Data, tool: String, index: Int, mimeType: String) throws -> String {
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        let stem = "mcp-" + String(tool.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }) + "-\(index + 1)"
        let fileExtension = Self.fileExtension(mimeType)
        var path = outputDirectory + "/" + stem + "." + fileExtension
        var counter = 2
        while FileManager.default.fileExists(atPath: path) {
            path = outputDirectory + "/" + stem + "-\(counter)." + fileExtension
            counter += 1
        }
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    static func fileExtension(_ mimeType: String) -> String {
        switch mimeType.lowercased() {
        case "image/jpeg", "image/jpg": "jpg"
        case "image/gif": "gif"
        case "image/webp": "webp"
        case "image/svg+xml": "svg"
        default: "png"
        }
    }

    /// A string value (the SDK reads a "data:" string as data; it is text here).
    static func string(_ value: Value?) -> String? {
        switch value {
        case .string(let text)?: text
        case .data(let mimeType, let data)?: "data:\(mimeType ?? "");base64," + data.base64EncodedString()
        default: nil
        }
    }

    /// The bytes of base64 data (or of a "data:" address).
    static func bytes(_ value: Value?) -> Data? {
        switch value {
        case .string(let text)?: Data(base64Encoded: text, options: .ignoreUnknownCharacters).flatMap { $0.isEmpty ? nil : $0 }
        case .data(_, let data)?: data.isEmpty ? nil : data
        default: nil
        }
    }

    static func mimeType(of value: Value?) -> String? {
        if case .data(let mimeType?, _)? = value { return mimeType }
        return nil
    }

    /// A JSON value as compact text.
    static func jsonText(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
    }
}
