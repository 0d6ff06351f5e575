import Agent
import AgentTools
import Foundation
import MCP

/// One of the agent's own tools (calculator, fetcher, Python, web search) served over
/// MCP: its description is the tool's own, its input the one string the model would
/// write inside the tool's marker, named by the schema's one property.
public struct AgentToolAdapter: ServedTool {
    /// How a tool of the toolbox is served: its MCP name, its argument and its hints.
    public struct Served: Sendable {
        /// The name clients call it by.
        public var name: String
        /// The one argument, whose text is the tool's input.
        public var argument: ToolInputSchema.Property
        /// Hints for clients (read-only, open world, …).
        public var annotations: MCP.Tool.Annotations
    }

    /// The toolbox's tools that are served, by their name in the toolbox; the schemas
    /// are these, one property each.
    public static let served: [String: Served] = [
        "calc": Served(
            name: "calculator",
            argument: .init("expression", .string, "The arithmetic expression, e.g. 24*78, 15% of 80, 2^100 or sqrt(2)."),
            annotations: .init(title: "Exact calculator", readOnlyHint: true, idempotentHint: true, openWorldHint: false)),
        "fetch": Served(
            name: "fetch",
            argument: .init("url", .string, "The page's address (http or https; https:// is assumed without a scheme)."),
            annotations: .init(title: "Fetch a web page", readOnlyHint: true, openWorldHint: true)),
        "python": Served(
            name: "python",
            argument: .init("code", .string, "Python code to run; print what you need or end with an expression. Figures left open come back as PNG images."),
            annotations: .init(title: "Sandboxed Python", readOnlyHint: false, destructiveHint: false, openWorldHint: false)),
        "web_search": Served(
            name: "web_search",
            argument: .init("query", .string, "What to search for."),
            annotations: .init(title: "Web search", readOnlyHint: true, openWorldHint: true)),
    ]

    /// The tool that does the work.
    public let tool: any AgentTools.Tool
    /// How it is served.
    public let served: Served
    /// Where the tool writes files (figures).
    public let outputDirectory: String?

    /// Serves `tool` as `served` says, writing files into `outputDirectory`.
    public init(tool: any AgentTools.Tool, served: Served, outputDirectory: String?) {
        self.tool = tool
        self.served = served
        self.outputDirectory = outputDirectory
    }

    /// The served tools of `toolbox`, in the order of `served` names: calculator,
    /// fetch, python, then web_search when the toolbox has it.
    public static func tools(of toolbox: Toolbox, outputDirectory: String?) -> [AgentToolAdapter] {
        let order = ["calc", "fetch", "python", "web_search"]
        return order.compactMap { toolName in
            guard let tool = toolbox.tools.first(where: { $0.name == toolName }), let served = served[toolName] else { return nil }
            return AgentToolAdapter(tool: tool, served: served, outputDirectory: outputDirectory)
        }
    }

    /// The arguments' schema: the one property.
    public var schema: ToolInputSchema { ToolInputSchema([served.argument]) }

    /// The tool's MCP name, its own description, the one-property schema and its hints.
    public var definition: MCP.Tool {
        MCP.Tool(name: served.name, description: tool.description, inputSchema: schema.value, annotations: served.annotations)
    }

    /// Runs the tool on the argument's text; bad arguments and the tool's errors are `isError` results.
    public func call(_ arguments: [String: Value]?, progress: ProgressReporter) async throws -> CallTool.Result {
        let input: String
        do {
            input = try readInput(arguments)
        } catch {
            return ToolResultContent.errorResult(error.description)
        }
        let result = try await tool.run(input, context: ToolContext(outputDirectory: outputDirectory))
        return ToolResultContent.callResult(result)
    }

    /// The tool's input: the argument's text, which must not be blank.
    func readInput(_ arguments: [String: Value]?) throws(ToolArgumentError) -> String {
        let name = served.argument.name
        let text = try schema.read(arguments).strings[name] ?? ""
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .invalid(name, reason: "is empty") }
        return text
    }
}
