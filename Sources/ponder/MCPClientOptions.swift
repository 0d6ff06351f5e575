import Agent
import AgentTools
import ArgumentParser
import Dispatch
import Foundation
import MCPBridge

/// `--mcp "COMMAND ARGS"` and `--mcp-url URL` (both repeatable) and the call timeout,
/// shared by `ask`, `chat` and `serve`: the servers' tools join the agent's toolbox.
struct MCPClientOptions: ParsableArguments {
    @Option(
        name: .customLong("mcp"),
        help: ArgumentHelp(
            "Add the tools of the MCP server this command line starts (stdio; quote it as one argument; repeatable), e.g. --mcp \"python3 units_server.py\".",
            valueName: "command"))
    var commands: [String] = []

    @Option(
        name: .customLong("mcp-url"),
        help: ArgumentHelp("Add the tools of the MCP server at this streamable-HTTP address (repeatable), e.g. --mcp-url http://127.0.0.1:8000/mcp.", valueName: "url"))
    var urls: [String] = []

    @Option(name: .customLong("mcp-timeout"), help: ArgumentHelp("Seconds one call to an MCP server's tool may take.", valueName: "seconds"))
    var timeout: Double = 30

    func validate() throws {
        for line in commands {
            do { _ = try MCPServerEndpoint.command(line: line) } catch { throw ValidationError("--mcp: \(error)") }
        }
        for url in urls {
            do { _ = try MCPServerEndpoint.url(url) } catch { throw ValidationError("--mcp-url: \(error)") }
        }
        guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--mcp-timeout must be between 0 and 86400 seconds") }
    }

    /// Whether any server is given.
    var isEmpty: Bool { commands.isEmpty && urls.isEmpty }

    /// The call limits.
    var settings: MCPClientSettings {
        MCPClientSettings(callTimeout: .milliseconds(Int(timeout * 1000)))
    }

    /// The servers, commands first, each in the order given.
    func endpoints() throws -> [MCPServerEndpoint] {
        try commands.map { try MCPServerEndpoint.command(line: $0) } + urls.map { try MCPServerEndpoint.url($0) }
    }

    /// Starts and connects to every server; none when no option is given. The caller
    /// closes the set (which ends the servers) when it is done.
    func connect() async throws -> MCPServerSet {
        guard !isEmpty else { return MCPServerSet() }
        return try await MCPServerSet.connect(try endpoints(), settings: settings)
    }

    /// `options` with a tool timeout long enough for the MCP calls' own.
    func widening(_ options: PlannerOptions) -> PlannerOptions {
        var options = options
        if !isEmpty { options.toolTimeout = max(options.toolTimeout, settings.callTimeout) }
        return options
    }
}

/// `toolbox` with `tools` added ahead of its own, in their order.
func adding(_ tools: [any Tool], to toolbox: Toolbox) -> Toolbox {
    var toolbox = toolbox
    for tool in tools.reversed() { toolbox.add(tool) }
    return toolbox
}

/// While MCP servers run, these signals end Ponder with `exit` (status 128 + the
/// signal) instead of killing it outright, so that the servers are ended at exit
/// (a server busy in a call would outlive a killed Ponder). `cancel()` restores
/// the default handling.
final class ExitOnSignals: @unchecked Sendable {
    private let signals: [Int32]
    private let sources: [any DispatchSourceSignal]

    /// Watches `signals`.
    init(_ signals: [Int32]) {
        self.signals = signals
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { exit(128 + number) }
            source.resume()
            return source
        }
    }

    /// Stops watching; the signals act as before.
    func cancel() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
