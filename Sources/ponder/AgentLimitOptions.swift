import Agent
import AgentTools
import ArgumentParser
import Foundation

/// The long names of the options that differ between commands: `serve` already has
/// a `--max-tokens`-like field in every request, so its default is `--agent-max-tokens`.
protocol AgentOptionNames {
    /// The long name of the generated-token limit.
    static var maximumTokens: String { get }
    /// What the token limit's help adds for this command ("" for none).
    static var maximumTokensNote: String { get }
    /// What the output folder's help adds for this command ("" for none).
    static var outputDirectoryNote: String { get }
}

/// The names of `ask` and `chat`.
enum QuestionOptionNames: AgentOptionNames {
    static let maximumTokens = "max-tokens"
    static let maximumTokensNote = ""
    static let outputDirectoryNote = ""
}

/// The names of `serve`.
enum ServeOptionNames: AgentOptionNames {
    static let maximumTokens = "agent-max-tokens"
    static let maximumTokensNote = " unless the request sets max_tokens"
    static let outputDirectoryNote = ", one subfolder per request"
}

/// The agent's limits and its tools' reach, shared by `ask`, `chat` and `serve`
/// (there for `ponder-agent` runs) and validated once.
struct AgentLimitOptions<Names: AgentOptionNames>: ParsableArguments {
    @Option(name: .customLong("max-steps"), help: "At most this many tool calls per question.")
    var maxSteps = 6

    @Option(name: .customLong(Names.maximumTokens), help: "At most this many generated tokens per question\(Names.maximumTokensNote).")
    var maxTokens = 512

    @Option(name: .customLong("time-limit"), help: "Seconds per question before answering with the best so far.")
    var timeLimit: Double = 300

    @Option(name: .customLong("output-dir"), help: "Folder for files the tools write (figures\(Names.outputDirectoryNote)).")
    var outputDirectory = "ponder-output"

    @Flag(name: .customLong("allow-private"), help: "Let the fetch tool reach loopback and private addresses (link-local and cloud metadata addresses stay refused).")
    var allowPrivate = false

    @Flag(name: .customLong("python-network"), help: "Let code run by the Python tool reach the network (its sandbox has none by default).")
    var pythonNetwork = false

    @Flag(
        name: .customLong("ungrounded"),
        help: ArgumentHelp(
            "Let the model choose tools and write calls freely (no routing by the question, no copied numbers, pages whole, no retries): to measure what grounding adds.",
            visibility: .hidden))
    var ungrounded = false

    func validate() throws {
        guard maxSteps >= 0 else { throw ValidationError("--max-steps must be 0 or more") }
        guard maxTokens > 0 else { throw ValidationError("--\(Names.maximumTokens) must be positive") }
        guard timeLimit > 0, timeLimit <= 86_400 else { throw ValidationError("--time-limit must be between 0 and 86400 seconds") }
    }

    /// The output folder as an absolute path (relative to the working directory).
    var absoluteOutputDirectory: String {
        URL(fileURLWithPath: outputDirectory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardized.path
    }

    /// The standard tools' settings; web search is offered when `$PONDER_SEARCH_URL` is set.
    var toolboxSettings: ToolboxSettings {
        ToolboxSettings(
            outputDirectory: absoluteOutputDirectory, allowPrivateAddresses: allowPrivate,
            pythonIsolation: .sandbox(network: pythonNetwork), searchEndpoint: WebSearch.configuredEndpoint())
    }

    /// The planner's limits, with `temperature` and `seed`.
    func plannerOptions(temperature: Double = 0, seed: UInt64 = 0) -> PlannerOptions {
        PlannerOptions(
            maximumSteps: maxSteps, maximumTokens: maxTokens, timeLimit: .milliseconds(Int(timeLimit * 1000)),
            temperature: temperature, seed: seed, outputDirectory: absoluteOutputDirectory, grounded: !ungrounded)
    }
}
