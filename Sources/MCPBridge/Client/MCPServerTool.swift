import AgentTools
import Foundation
import MCP

/// One tool of an MCP server as a tool of Ponder's agent: its marker name is the
/// server's name for it (made a marker name, and prefixed when a built-in tool has
/// it), its description and input schema are the server's, and a call sends the
/// JSON the model wrote (`{"value": 3.5, …}`) as `tools/call` and reads the reply
/// (`MCPResultReading`). Any failure — bad JSON, a server that died or hung — is a
/// result starting with "error: " that the model reads.
public struct MCPServerTool: AgentTools.Tool {
    /// The marker name the model writes.
    public let name: String
    /// The server's name for the tool.
    public let serverToolName: String
    /// The server's description, on one line.
    public let description: String
    /// The server's input schema, as JSON text.
    public let inputSchema: String?
    /// The connection calls go through.
    public let connection: MCPServerConnection

    /// The longest description in the prompt's tool list, in characters.
    static let maximumDescriptionLength = 300

    /// The tool `tool` of `connection`, called `name` by the model.
    public init(_ tool: MCP.Tool, connection: MCPServerConnection, name: String) {
        self.name = name
        serverToolName = tool.name
        let text = (tool.description ?? tool.title ?? tool.name).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        description = text.count > Self.maximumDescriptionLength ? String(text.prefix(Self.maximumDescriptionLength - 1)) + "…" : text
        inputSchema = MCPResultReading.jsonText(tool.inputSchema)
        self.connection = connection
    }

    /// Calls the server's tool with the JSON object `input`.
    public func run(_ input: String, context: ToolContext) async throws -> ToolResult {
        let arguments: [String: Value]
        do {
            arguments = try Self.arguments(from: input, schema: inputSchema, tool: name)
        } catch {
            return ToolResult(text: "error: \(error)", ok: false)
        }
        let reply: Value
        do {
            reply = try await connection.call(serverToolName, arguments: arguments, deadline: context.deadline)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return ToolResult(text: "error: \(error)", ok: false)
        }
        let folder = context.outputDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("ponder-mcp").path
        return MCPResultReading(outputDirectory: folder, maximumCharacters: connection.settings.maximumResultCharacters)
            .toolResult(reply, tool: serverToolName)
    }

    /// The arguments object the model's `input` stands for: a JSON object; empty
    /// input for a tool whose arguments are all optional; plain text for a tool of
    /// one string argument (a model not held to JSON may write just the value).
    static func arguments(from input: String, schema: String?, tool: String) throws(MCPClientError) -> [String: Value] {
        let trimmed = input.trimmingCharacters(in: .whitespacesAndNewlines)
        let properties = Self.properties(of: schema)
        if trimmed.isEmpty, properties.required.isEmpty { return [:] }
        if let data = trimmed.data(using: .utf8), let value = try? JSONDecoder().decode(Value.self, from: data) {
            guard case .object(let members) = value else {
                throw .invalidArguments(tool: tool, reason: "got \(Self.kind(of: value)) instead")
            }
            return members
        }
        if properties.strings.count == 1, properties.all.count == 1, let only = properties.strings.first {
            return [only: .string(trimmed)]
        }
        throw .invalidArguments(tool: tool, reason: "'\(trimmed.prefix(80))' is not JSON")
    }

    /// The property names of a schema: all, the required ones, the string ones.
    private static func properties(of schema: String?) -> (all: [String], required: [String], strings: [String]) {
        guard let schema, let data = schema.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return ([], [], []) }
        let properties = object["properties"] as? [String: Any] ?? [:]
        let strings = properties.compactMap { name, property in
            ((property as? [String: Any])?["type"] as? String) == "string" ? name : nil
        }
        return (Array(properties.keys), (object["required"] as? [String]) ?? [], strings)
    }

    private static func kind(of value: Value) -> String {
        switch value {
        case .array: "a list"
        case .string: "a string"
        case .int, .double: "a number"
        case .bool: "a boolean"
        case .null: "null"
        default: "another value"
        }
    }
}
