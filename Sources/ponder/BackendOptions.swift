import Agent
import ArgumentParser
import Foundation
import Inference
import InferenceAdapter
import RemoteModel

/// Where `ask` and `chat` run the model: the local engine, or a remote server that
/// speaks the OpenAI API. Each option falls back to an environment variable.
struct BackendOptions: ParsableArguments {
    enum Backend: String, ExpressibleByArgument, CaseIterable {
        case local, openai
    }

    @Option(help: ArgumentHelp(
        "Run the model here (local) or on an OpenAI-compatible server (openai).",
        discussion: "Default: $PONDER_BACKEND, else local."))
    var backend: Backend?

    @Option(name: .customLong("base-url"), help: ArgumentHelp(
        "The server's API base for --backend openai, e.g. http://127.0.0.1:8080/v1 (default: $PONDER_BASE_URL).",
        valueName: "url"))
    var baseURL: String?

    @Option(name: .customLong("api-model"), help: ArgumentHelp(
        "The model name to request (default: $PONDER_API_MODEL, else the first the server lists).", valueName: "name"))
    var apiModel: String?

    @Option(name: .customLong("api-key"), help: ArgumentHelp(
        "Bearer key for the server (default: $PONDER_API_KEY, else $OPENAI_API_KEY).", valueName: "key"))
    var apiKey: String?

    @Option(name: .customLong("api-template"), help: ArgumentHelp(
        "Render prompts here with this chat template and use /v1/completions, for servers that cannot continue a partial assistant message (llama-cpp-python): chatml, llama3, llama2, mistral, gemma, or a GGUF file whose template to use.",
        valueName: "template"))
    var apiTemplate: String?

    @Option(name: .customLong("api-tool-format"), help: "The tool-call format the remote model knows: inline markers or hermes JSON (default: inline).")
    var apiToolFormat: ToolCallFormat?

    @Option(name: .customLong("api-timeout"), help: ArgumentHelp(
        "Seconds the server may stay silent (connecting, before the first token, between tokens) before giving up.", valueName: "seconds"))
    var apiTimeout = 120

    func validate() throws {
        guard apiTimeout > 0, apiTimeout <= 86_400 else { throw ValidationError("--api-timeout must be between 1 and 86400 seconds") }
        if resolvedBackend == .openai, resolvedBaseURL == nil {
            throw ValidationError("--backend openai needs --base-url URL (or $PONDER_BASE_URL), e.g. http://127.0.0.1:8080/v1")
        }
    }

    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    private static func fromEnvironment(_ names: String...) -> String? {
        names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
    }

    var resolvedBackend: Backend {
        backend ?? Self.fromEnvironment("PONDER_BACKEND").flatMap(Backend.init(rawValue:)) ?? .local
    }

    var resolvedBaseURL: String? { baseURL ?? Self.fromEnvironment("PONDER_BASE_URL") }

    /// The remote model these options describe.
    func remoteModel() throws -> RemoteLanguageModel {
        guard let base = resolvedBaseURL else { throw CLIError.invalidInput("--backend openai needs --base-url URL") }
        var endpoint = RemoteEndpoint.chat
        if let apiTemplate { endpoint = .completions(try ChatTemplateRenderer(named: apiTemplate)) }
        return try RemoteLanguageModel(
            baseURL: base, apiModel: apiModel ?? Self.fromEnvironment("PONDER_API_MODEL"),
            apiKey: apiKey ?? Self.fromEnvironment("PONDER_API_KEY", "OPENAI_API_KEY"), endpoint: endpoint,
            toolCallFormat: apiToolFormat, timeout: apiTimeout)
    }
}

extension ToolCallFormat: ExpressibleByArgument {}

/// Renders a conversation with one of the engine's chat templates, for a remote
/// server reached through `/v1/completions`.
struct ChatTemplateRenderer: PromptRenderer {
    let template: ChatTemplate

    /// The families `--api-template` names (every one the engine renders but the
    /// fallback): chatml, llama3, llama2, mistral, gemma.
    static let families = ChatTemplate.Family.allCases.filter { $0 != .generic }

    /// `name` is a template family (chatml, llama3, …) or a GGUF file whose template to use.
    init(named name: String) throws {
        if FileManager.default.fileExists(atPath: name) {
            template = ChatTemplate(file: try GGUFFile(path: name))
            return
        }
        guard let family = Self.families.first(where: { $0.rawValue == name.lowercased() }) else {
            let names = Self.families.map(\.rawValue).joined(separator: ", ")
            throw CLIError.invalidInput("--api-template '\(name)' is neither a GGUF file nor a template name (\(names))")
        }
        template = ChatTemplate(family: family)
    }

    func render(_ messages: [Message]) -> String {
        template.render(messages.map(ChatMessage.init))
    }

    var endOfTurn: [String] { [template.endOfTurnText] }
}
