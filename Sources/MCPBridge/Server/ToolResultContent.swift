import AgentTools
import Foundation
import MCP

/// A tool's result as an MCP client reads it: the text the model would read, every
/// PNG file the tool wrote as an image (base64, `image/png`), and the paths of files
/// the text does not already name. A result with `ok == false` is marked `isError`,
/// so the client's model sees the error instead of the call failing.
public enum ToolResultContent {
    /// A figure larger than this is named by its path only (base64 makes it a third
    /// larger, and clients keep the whole result in their model's context).
    public static let maximumImageBytes = 4 << 20

    /// The PNG files' signature: an image item is sent only for a file that starts with it.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// `result` as the content of a `tools/call` answer, with `structured` as its
    /// structured content.
    public static func callResult(_ result: ToolResult, structured: Value? = nil) -> CallTool.Result {
        CallTool.Result(content: content(result), structuredContent: structured, isError: result.ok ? nil : true)
    }

    /// An error the client's model reads, e.g. bad arguments.
    public static func errorResult(_ message: String) -> CallTool.Result {
        CallTool.Result(content: [.text(message)], isError: true)
    }

    /// The text, the images, then the paths not named in the text.
    public static func content(_ result: ToolResult) -> [MCP.Tool.Content] {
        var content: [MCP.Tool.Content] = [.text(result.text)]
        content += result.files.compactMap { image(atPath: $0) }
        let unnamed = result.files.filter { !result.text.contains($0) }
        if !unnamed.isEmpty {
            content.append(.text("files:\n" + unnamed.joined(separator: "\n")))
        }
        return content
    }

    /// The image item for the PNG file at `path`; nil for another kind of file, one
    /// that cannot be read, or one over `maximumImageBytes`.
    public static func image(atPath path: String) -> MCP.Tool.Content? {
        guard path.lowercased().hasSuffix(".png"),
              let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
              size <= maximumImageBytes,
              let data = FileManager.default.contents(atPath: path),
              data.starts(with: pngSignature)
        else { return nil }
        return .image(data: data.base64EncodedString(), mimeType: "image/png")
    }
}
