import MCP

/// A tool as `ponder mcp` offers it: its `tools/list` entry and what a `tools/call`
/// of it answers. A mistake of the caller (bad arguments) or of the work (a tool
/// error) is a result with `isError`; throwing is for cancellation only.
public protocol ServedTool: Sendable {
    /// Name, description, input schema and hints, as `tools/list` shows them.
    var definition: MCP.Tool { get }
    /// Runs the tool on a call's arguments; `progress` reports how a long call goes.
    func call(_ arguments: [String: Value]?, progress: ProgressReporter) async throws -> CallTool.Result
}

extension ServedTool {
    /// The tool's name in calls.
    public var name: String { definition.name }
}

/// Sends `notifications/progress` for one call, when its client asked for them by
/// giving a progress token; otherwise reports go nowhere.
public struct ProgressReporter: Sendable {
    /// Sends one report: work done so far (increasing), the total if known, a message.
    public typealias Send = @Sendable (_ progress: Double, _ total: Double?, _ message: String?) async -> Void

    private let send: Send?

    /// A reporter that sends with `send`; nil: one that sends nothing.
    public init(_ send: Send?) {
        self.send = send
    }

    /// A reporter that sends nothing.
    public static let silent = ProgressReporter(nil)

    /// Whether reports reach a client.
    public var isActive: Bool { send != nil }

    /// Reports `progress` (of `total`, if known) with `message`.
    public func report(_ progress: Double, total: Double? = nil, message: String? = nil) async {
        await send?(progress, total, message)
    }
}
