import Agent

/// Lays out a conversation as one prompt text, for servers that cannot continue a
/// partial assistant message in a chat request: the session then sends
/// `/v1/completions` with the rendered prompt and the assistant's text so far.
public protocol PromptRenderer: Sendable {
    /// The prompt for `messages`, ending where the assistant's reply begins.
    func render(_ messages: [Message]) -> String
    /// Text that ends an assistant turn in this layout (e.g. `<|im_end|>`), sent as
    /// stop strings.
    var endOfTurn: [String] { get }
}

/// How a remote session asks the server to continue its context.
public enum RemoteEndpoint: Sendable, Equatable {
    /// `/v1/chat/completions`, with the assistant's text so far as a trailing
    /// assistant message the server continues (ponder serve, llama.cpp's
    /// llama-server, Ollama; vLLM with its `continue_final_message`).
    case chat
    /// `/v1/completions` with the prompt rendered here (any server with that
    /// endpoint: llama-cpp-python, vLLM, llama-server, ponder serve).
    case completions(any PromptRenderer)

    /// Whether both use the same endpoint; renderers are not compared.
    public static func == (lhs: RemoteEndpoint, rhs: RemoteEndpoint) -> Bool {
        switch (lhs, rhs) {
        case (.chat, .chat), (.completions, .completions): true
        default: false
        }
    }
}
