import ArgumentParser
import Foundation
import Inference

/// `ponder render`: the prompt a chat template makes of a conversation, exactly.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the prompt a chat template makes of a conversation: what the model will read.",
        discussion: """
            The template is the model's own (tokenizer.chat_template of --model, or the default \
            model) or a Jinja file (--template). It runs in Ponder's Jinja interpreter, which \
            prints what Python's jinja2 prints as transformers renders chat templates. The \
            output is the rendered text exactly, with no newline added.

            --messages names a JSON file: an array of messages ({"role": …, "content": …, and any \
            other keys the template reads, such as tool_calls), or a chat request body with \
            "messages" (and "tools"). '-' reads standard input.

            Examples:
              ponder render --messages chat.json --add-generation-prompt
              ponder render --template qwen3.jinja --messages chat.json --tools tools.json
              ponder render --template qwen3.jinja --messages chat.json --set enable_thinking=false
            """)

    @Option(help: ArgumentHelp("A Jinja chat template file (instead of the model's template).", valueName: "file.jinja"))
    var template: String?

    @Option(help: ArgumentHelp("The conversation: a JSON array of messages, or an object with \"messages\"; '-' reads standard input.", valueName: "file.json"))
    var messages: String

    @Option(help: ArgumentHelp("Tool definitions (a JSON array, as the OpenAI API takes them), passed as `tools`.", valueName: "file.json"))
    var tools: String?

    @Flag(help: "End with the opening of the assistant's turn (`add_generation_prompt`).")
    var addGenerationPrompt = false

    @Option(help: ArgumentHelp("The text of `bos_token` (default: the model's BOS token; empty with --template).", valueName: "text"))
    var bos: String?

    @Option(help: ArgumentHelp("The text of `eos_token` (default: the model's EOS token; empty with --template).", valueName: "text"))
    var eos: String?

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Another variable the template reads, as NAME=JSON (e.g. enable_thinking=false); repeatable.", valueName: "name=json"))
    var variables: [String] = []

    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        if template != nil, modelOptions.model != nil {
            throw ValidationError("give either --template or --model, not both")
        }
    }

    func run() throws {
        try reportingErrors {
            let chatTemplate = try loadTemplate()
            var context = try conversation()
            for assignment in variables {
                let (name, value) = try Self.variable(assignment)
                context[name] = value
            }
            guard chatTemplate.program != nil else {
                throw CLIError.invalidInput(Self.rejection(chatTemplate))
            }
            let rendered: String
            do {
                rendered = try chatTemplate.renderProgram(
                    variables: context, addGenerationPrompt: addGenerationPrompt, beginOfSequence: bos, endOfSequence: eos)
            } catch let error as JinjaError {
                throw CLIError.invalidInput("\(error)")
            }
            FileHandle.standardOutput.write(Data(rendered.utf8))
        }
    }

    private func loadTemplate() throws -> ChatTemplate {
        guard let template else { return ChatTemplate(file: try modelOptions.openFile()) }
        guard let data = FileManager.default.contents(atPath: template) else {
            throw CLIError.invalidInput("cannot read the template file \(template): check that it exists and is readable")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw CLIError.invalidInput("\(template) is not UTF-8 text")
        }
        return ChatTemplate(source: source, beginOfSequenceText: "", endOfSequenceText: "")
    }

    /// Why a template cannot be rendered exactly, and what Ponder does with it instead.
    static func rejection(_ template: ChatTemplate) -> String {
        guard let problem = template.programProblem else {
            return "there is no chat template to render (the model file has none); Ponder writes such models' prompts as ChatML"
        }
        return "\(problem); Ponder renders this model's prompts as the \(template.family.rawValue) family instead"
    }

    /// `messages` (and `tools`) from the files.
    private func conversation() throws -> [String: JinjaValue] {
        var context: [String: JinjaValue] = [:]
        switch try Self.json(at: messages, what: "--messages") {
        case .list(let list):
            context["messages"] = .list(list)
        case .dict(let body):
            guard case .list? = body["messages"] else {
                throw CLIError.invalidInput("\(messages): the object has no \"messages\" array")
            }
            for entry in body.entries {
                if case .string(let key) = entry.key, key == "messages" || key == "tools" { context[key] = entry.value }
            }
        default:
            throw CLIError.invalidInput("\(messages): expected a JSON array of messages, or an object with \"messages\"")
        }
        if let tools {
            guard case .list(let definitions) = try Self.json(at: tools, what: "--tools") else {
                throw CLIError.invalidInput("\(tools): expected a JSON array of tool definitions")
            }
            context["tools"] = .list(definitions)
        }
        return context
    }

    private static func json(at path: String, what: String) throws -> JinjaValue {
        let text: String
        if path == "-" {
            text = try readStandardInputAsUTF8()
        } else {
            guard let data = FileManager.default.contents(atPath: path), let decoded = String(data: data, encoding: .utf8) else {
                throw CLIError.invalidInput("cannot read \(what) file \(path) as UTF-8 text")
            }
            text = decoded
        }
        do {
            return try JinjaValue(json: text)
        } catch {
            throw CLIError.invalidInput("\(path) (\(what)): \(error)")
        }
    }

    /// `NAME=JSON` as a variable; a value that is not JSON is taken as a string.
    static func variable(_ assignment: String) throws -> (String, JinjaValue) {
        guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
            throw CLIError.invalidInput("--set \(assignment): expected NAME=JSON, e.g. enable_thinking=false")
        }
        let name = String(assignment[..<equals])
        let text = String(assignment[assignment.index(after: equals)...])
        return (name, (try? JinjaValue(json: text)) ?? .string(text))
    }
}
