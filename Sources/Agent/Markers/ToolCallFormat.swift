/// How a model writes tool calls and reads their results.
public enum ToolCallFormat: String, Codable, Sendable, CaseIterable {
    /// `<calc>24*78</calc>` → `<result>1872</result>`, inside the assistant's turn.
    /// Any model can learn it from a few examples.
    case inline
    /// `<tool_call>{"name": "calc", "arguments": {"input": "24*78"}}</tool_call>`,
    /// answered by a tool message: the format of Hermes and Qwen models, whose chat
    /// templates declare tools.
    case hermes

    /// The marker that opens a call to `tool` (in the Hermes format, the same for
    /// every tool).
    public func opening(for tool: String) -> String {
        switch self {
        case .inline: "<\(tool)>"
        case .hermes: HermesToolCall.opening
        }
    }

    /// The marker that closes a call to `tool` (in the Hermes format, the same for
    /// every tool).
    public func closing(for tool: String) -> String {
        switch self {
        case .inline: "</\(tool)>"
        case .hermes: HermesToolCall.closing
        }
    }

    /// How a result is shown to the model in the inline format.
    public static func inlineResult(_ text: String) -> String {
        "<result>\(text)</result>\n"
    }

    /// The tag a model might write to invent a result instead of waiting for one.
    static let resultOpening = "<result>"
}
