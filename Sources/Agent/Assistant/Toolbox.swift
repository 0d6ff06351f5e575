import AgentTools
import Foundation

/// What the standard tools need to know: where they write, what the fetcher may
/// reach, how the Python code is isolated, and where web search asks (if anywhere).
public struct ToolboxSettings: Sendable, Equatable {
    /// The folder for files the tools write (figures); also the Python session's folder.
    public var outputDirectory: String
    /// Let the fetcher reach loopback and private addresses (link-local and cloud
    /// metadata addresses stay refused whatever this says).
    public var allowPrivateAddresses: Bool
    /// How the Python worker is kept apart from the host (by default a kernel sandbox
    /// without network).
    public var pythonIsolation: PythonIsolation
    /// A SearXNG-compatible JSON endpoint: when set, `web_search` is offered. The
    /// library reads no environment; a front end passes `$PONDER_SEARCH_URL` here.
    public var searchEndpoint: String?

    /// Settings for tools writing into `outputDirectory`.
    public init(
        outputDirectory: String, allowPrivateAddresses: Bool = false, pythonIsolation: PythonIsolation = .sandbox(network: false),
        searchEndpoint: String? = nil
    ) {
        self.outputDirectory = outputDirectory
        self.allowPrivateAddresses = allowPrivateAddresses
        self.pythonIsolation = pythonIsolation
        self.searchEndpoint = searchEndpoint
    }

    /// The same settings with another output folder (a server's run gets its own).
    public func writing(into outputDirectory: String) -> ToolboxSettings {
        var settings = self
        settings.outputDirectory = outputDirectory
        return settings
    }
}

/// The tools an assistant offers, and the one Python session among them.
///
/// The order of `tools` is the order of their examples in the prompt: the
/// calculator's come last, because small models imitate the most recent examples
/// most and arithmetic is the commonest question. Tools added at run time come first.
public struct Toolbox: Sendable {
    /// Every tool, in the order the prompt lists them.
    public private(set) var tools: [any Tool]
    /// The Python session (its variables last from one question to the next), if
    /// the toolbox has one.
    public let python: PythonRunner?

    /// A toolbox of exactly `tools` (the Python session is the `PythonRunner` among them, if any).
    public init(tools: [any Tool]) {
        self.tools = tools
        python = tools.lazy.compactMap { $0 as? PythonRunner }.first
    }

    /// How much of a page's text the fetcher keeps.
    public static let pageCharacters = 60_000

    /// The standard tools for `settings`: the fetcher (with its private-address
    /// policy), web search when an endpoint is set, the Python session (working in
    /// the output folder, isolated as the settings say) and the calculator.
    /// `pythonWorker` is the worker's command line (by default this program re-executed).
    public static func standard(
        _ settings: ToolboxSettings, pythonWorker: [String] = PythonConfiguration.defaultWorkerCommand()
    ) -> Toolbox {
        // The planner reads a page by its best passages (`PageDigest`), so the fetcher
        // keeps far more of it than a model could read whole.
        let fetchOptions = FetchOptions(maximumCharacters: Self.pageCharacters, allowPrivateAddresses: settings.allowPrivateAddresses)
        let python = PythonRunner(configuration: PythonConfiguration(
            workerCommand: pythonWorker, sessionDirectory: settings.outputDirectory, isolation: settings.pythonIsolation))
        var tools: [any Tool] = [WebFetcher(options: fetchOptions)]
        if let endpoint = settings.searchEndpoint?.trimmingCharacters(in: .whitespaces), !endpoint.isEmpty {
            tools.append(WebSearch(endpoint: endpoint))
        }
        return Toolbox(tools: tools + [python, Calculator()])
    }

    /// Adds `tool` (e.g. one an MCP server offers) ahead of the standard tools; a
    /// tool of the same name is replaced.
    public mutating func add(_ tool: any Tool) {
        tools.removeAll { $0.name == tool.name }
        tools.insert(tool, at: 0)
    }

    /// The tools' names, in order.
    public var names: [String] { tools.map(\.name) }

    /// Ends the Python session's worker (a new one starts on the next call).
    public func stop() async {
        await python?.stop()
    }
}
