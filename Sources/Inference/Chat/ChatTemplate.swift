/// Renders a conversation into the prompt text a chat model was trained on.
///
/// The GGUF's `tokenizer.chat_template` (a Jinja program) is run by Ponder's Jinja
/// interpreter (`JinjaTemplate`), which prints what Python's jinja2 prints. When the
/// interpreter cannot read or run a template, the format is recognised by its marker
/// tokens, as llama.cpp does, and rendered by Swift code that reproduces what the
/// template prints for plain conversations.
public struct ChatTemplate: Sendable {
    /// The prompt formats Ponder renders.
    public enum Family: String, Codable, Sendable, CaseIterable {
        /// `<|im_start|>role\n…<|im_end|>` (SmolLM2, Qwen, many fine-tunes).
        case chatML = "chatml"
        /// `<|start_header_id|>role<|end_header_id|>\n\n…<|eot_id|>` (Llama 3.x).
        case llama3 = "llama3"
        /// `[INST] … [/INST]` with `<<SYS>>` (Llama 2 and its fine-tunes).
        case llama2 = "llama2"
        /// `[INST] … [/INST]` without a system block (Mistral Instruct).
        case mistral = "mistral"
        /// `<start_of_turn>role\n…<end_of_turn>` (Gemma).
        case gemma = "gemma"
        /// No recognised template: ChatML, the most widely understood format.
        case generic = "generic"
    }

    /// The recognised format.
    public let family: Family
    /// The Jinja source from the file, if any.
    public let source: String?
    /// The system message the template inserts when the conversation has none.
    public let defaultSystemMessage: String?
    /// Text of the BOS token, written by formats that start with it.
    public let beginOfSequenceText: String
    /// Text of the EOS token, written after assistant turns by some formats.
    public let endOfSequenceText: String
    /// Llama 3.1+ templates open with a knowledge-cutoff preamble in the system turn.
    let writesKnowledgeDates: Bool
    /// Meta's Llama 2 template writes BOS before every user turn; others only once.
    let writesBeginOfSequenceEveryTurn: Bool
    /// The template as a Jinja program, when the interpreter reads it.
    public let program: JinjaTemplate?
    /// Why the interpreter does not read the template (nil when it does, or there is none):
    /// the recognised family renders it instead.
    public let programProblem: JinjaError?

    /// Recognises the template `source`.
    public init(source: String?, beginOfSequenceText: String = "", endOfSequenceText: String = "") {
        self.source = source
        self.beginOfSequenceText = beginOfSequenceText
        self.endOfSequenceText = endOfSequenceText
        let text = source ?? ""
        if text.contains("<|im_start|>") {
            family = .chatML
        } else if text.contains("<|start_header_id|>") && text.contains("<|end_header_id|>") {
            family = .llama3
        } else if text.contains("[INST]") {
            family = text.contains("<<SYS>>") ? .llama2 : .mistral
        } else if text.contains("<start_of_turn>") {
            family = .gemma
        } else {
            family = .generic
        }
        writesKnowledgeDates = family == .llama3 && text.contains("Cutting Knowledge Date")
        writesBeginOfSequenceEveryTurn = family == .llama2
            && (text.contains("bos_token + '[INST]") || text.contains("bos_token + \"[INST]"))
        switch family {
        case .chatML: defaultSystemMessage = Self.defaultChatMLSystemMessage(in: text)
        case .llama2: defaultSystemMessage = Self.literalAssignment(to: "system_message", in: text)
        default: defaultSystemMessage = nil
        }
        var program: JinjaTemplate?
        var problem: JinjaError?
        // A chat template goes through `messages`; other text (a bare marker naming a
        // format) is not run as one.
        if let source, source.contains("messages") {
            do { program = try JinjaTemplate(source) } catch let error as JinjaError { problem = error } catch {}
        }
        self.program = program
        programProblem = problem
        rendersBeginOfSequence = startsWithBeginOfSequence()
    }

    /// The template of a GGUF file, with its BOS and EOS texts.
    public init(file: GGUFFile) {
        let tokens = (try? file.stringArray("tokenizer.ggml.tokens")) ?? []
        func text(_ key: String) -> String {
            guard let id = (try? file.integer(key)) ?? nil, id >= 0, id < tokens.count else { return "" }
            return tokens[id]
        }
        self.init(
            source: (try? file.string("tokenizer.chat_template")) ?? nil,
            beginOfSequenceText: text("tokenizer.ggml.bos_token_id"),
            endOfSequenceText: text("tokenizer.ggml.eos_token_id"))
    }

    /// Whether the rendered text already starts with the BOS token's text, so the
    /// tokenizer must not add another.
    public internal(set) var rendersBeginOfSequence = false

    /// What `rendersBeginOfSequence` is: the recognised family's habit; for a template of
    /// no known family, whether its program writes `bos_token` first.
    func startsWithBeginOfSequence() -> Bool {
        switch family {
        case .llama3, .llama2, .mistral, .gemma: return !beginOfSequenceText.isEmpty
        case .chatML: return false
        case .generic:
            guard !beginOfSequenceText.isEmpty, source?.contains("bos_token") == true,
                  let probe = try? renderProgram([ChatMessage(role: .user, content: "Hi")], addGenerationPrompt: true)
            else { return false }
            return probe.hasPrefix(beginOfSequenceText)
        }
    }

    /// The prompt for `messages`; with `addGenerationPrompt` it ends where the
    /// assistant's reply begins.
    ///
    /// No messages render as the format's fixed start (a default system turn), which a
    /// prompt cache keeps: a template program prints nothing for them, so a recognised
    /// family writes it.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> String {
        if messages.isEmpty, family != .generic { return renderFamily(messages, addGenerationPrompt: addGenerationPrompt) }
        if let rendered = try? renderProgram(messages, addGenerationPrompt: addGenerationPrompt) { return rendered }
        return renderFamily(messages, addGenerationPrompt: addGenerationPrompt)
    }

    /// The template program's text for `messages`; throws when there is no program or
    /// it fails (a template may refuse a conversation with `raise_exception`).
    public func renderProgram(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String {
        let turns: [JinjaValue] = messages.map { .dict(JinjaDict([("role", .string($0.role.rawValue)), ("content", .string($0.content))])) }
        return try renderProgram(variables: ["messages": .list(turns)], addGenerationPrompt: addGenerationPrompt)
    }

    /// The template program's text for the template's own `variables` (`messages` with
    /// `tool_calls` and tool turns, `tools`, switches such as `enable_thinking`), with
    /// `add_generation_prompt`, and `bos_token` and `eos_token` (the model's unless given).
    public func renderProgram(
        variables: [String: JinjaValue], addGenerationPrompt: Bool, beginOfSequence: String? = nil, endOfSequence: String? = nil
    ) throws -> String {
        guard let program else { throw programProblem ?? JinjaError.unsupported("an empty template", line: 1) }
        var context = variables
        context["add_generation_prompt"] = .bool(addGenerationPrompt)
        context["bos_token"] = .string(beginOfSequence ?? beginOfSequenceText)
        context["eos_token"] = .string(endOfSequence ?? endOfSequenceText)
        return try program.render(context)
    }

    /// The recognised family's rendering, written in Swift.
    func renderFamily(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        switch family {
        case .chatML, .generic: return renderChatML(messages, addGenerationPrompt)
        case .llama3: return renderLlama3(messages, addGenerationPrompt)
        case .llama2: return renderLlama2(messages)
        case .mistral: return renderMistral(messages)
        case .gemma: return renderGemma(messages, addGenerationPrompt)
        }
    }

    // MARK: - Formats

    private func renderChatML(_ messages: [ChatMessage], _ addGenerationPrompt: Bool) -> String {
        var prompt = ""
        if let defaultSystemMessage, messages.first?.role != .system {
            prompt += "<|im_start|>system\n\(defaultSystemMessage)<|im_end|>\n"
        }
        for message in messages {
            prompt += "<|im_start|>\(message.role.rawValue)\n\(message.content)<|im_end|>\n"
        }
        if addGenerationPrompt { prompt += "<|im_start|>assistant\n" }
        return prompt
    }

    private func renderLlama3(_ messages: [ChatMessage], _ addGenerationPrompt: Bool) -> String {
        func turn(_ role: String, _ content: String) -> String {
            "<|start_header_id|>\(role)<|end_header_id|>\n\n\(content)<|eot_id|>"
        }
        var prompt = beginOfSequenceText
        var rest = messages[...]
        if writesKnowledgeDates {
            // Llama 3.1+: the system turn always exists and opens with the dates
            // (the template's defaults when no date is supplied).
            var system = ""
            if let first = rest.first, first.role == .system {
                system = first.content.trimmingWhitespace()
                rest = rest.dropFirst()
            }
            prompt += turn("system", "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n" + system)
        }
        for message in rest {
            prompt += turn(message.role == .tool ? "ipython" : message.role.rawValue, message.content.trimmingWhitespace())
        }
        if addGenerationPrompt { prompt += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
        return prompt
    }

    private func renderLlama2(_ messages: [ChatMessage]) -> String {
        let (given, rest) = Self.splitSystemMessage(messages)
        let system = given ?? defaultSystemMessage
        var prompt = writesBeginOfSequenceEveryTurn ? "" : beginOfSequenceText
        for (index, message) in rest.enumerated() {
            var content = message.content
            if index == 0, let system { content = "<<SYS>>\n\(system)\n<</SYS>>\n\n" + content }
            switch message.role {
            case .user, .tool, .system:
                if writesBeginOfSequenceEveryTurn { prompt += beginOfSequenceText }
                prompt += "[INST] " + content.trimmingWhitespace() + " [/INST]"
            case .assistant:
                prompt += " " + content.trimmingWhitespace() + " " + endOfSequenceText
            }
        }
        return prompt
    }

    private func renderMistral(_ messages: [ChatMessage]) -> String {
        // No system role; like llama.cpp, fold it into the first user turn.
        let (system, rest) = Self.splitSystemMessage(messages)
        var prompt = beginOfSequenceText
        for (index, message) in rest.enumerated() {
            switch message.role {
            case .user, .tool, .system:
                let content = index == 0 && system != nil ? system! + "\n\n" + message.content : message.content
                prompt += "[INST] " + content + " [/INST]"
            case .assistant:
                prompt += message.content + endOfSequenceText
            }
        }
        return prompt
    }

    private func renderGemma(_ messages: [ChatMessage], _ addGenerationPrompt: Bool) -> String {
        // Gemma has no system role; like llama.cpp, fold it into the first user turn.
        let (system, rest) = Self.splitSystemMessage(messages)
        var prompt = beginOfSequenceText
        for (index, message) in rest.enumerated() {
            let role = message.role == .assistant ? "model" : "user"
            var content = message.content.trimmingWhitespace()
            if index == 0, let system { content = system.trimmingWhitespace() + "\n\n" + content }
            prompt += "<start_of_turn>\(role)\n\(content)<end_of_turn>\n"
        }
        if addGenerationPrompt { prompt += "<start_of_turn>model\n" }
        return prompt
    }

    /// A leading system message, and the messages after it.
    static func splitSystemMessage(_ messages: [ChatMessage]) -> (system: String?, rest: ArraySlice<ChatMessage>) {
        guard let first = messages.first, first.role == .system else { return (nil, messages[...]) }
        return (first.content, messages.dropFirst())
    }

    // MARK: - Reading the template

    /// The literal system turn a ChatML template writes when the conversation has no
    /// system message, e.g. `'<|im_start|>system\nYou are a helpful AI assistant…<|im_end|>\n'`.
    static func defaultChatMLSystemMessage(in template: String) -> String? {
        for opener in ["<|im_start|>system\n", "<|im_start|>system\\n"] {
            var searchStart = template.startIndex
            while let start = template[searchStart...].firstRange(of: opener) {
                searchStart = start.upperBound
                guard let end = template[start.upperBound...].firstRange(of: "<|im_end|>") else { break }
                let candidate = template[start.upperBound..<end.lowerBound]
                // A literal message, not an expression that splices in the user's one.
                guard !candidate.isEmpty, !candidate.contains(where: { "'\"{}+".contains($0) }) else { continue }
                return String(candidate).replacingEscapedNewlines()
            }
        }
        return nil
    }
}

extension ChatTemplate {
    /// The string literal assigned by `{% set name = '…' %}`, if the template has one.
    static func literalAssignment(to name: String, in template: String) -> String? {
        for quote in ["'", "\""] {
            let opener = "set \(name) = \(quote)"
            guard let start = template.firstRange(of: opener),
                  let end = template[start.upperBound...].firstIndex(of: Character(quote))
            else { continue }
            return String(template[start.upperBound..<end]).replacingEscapedNewlines()
        }
        return nil
    }
}

extension String {
    /// Strips leading and trailing whitespace, like Jinja's `trim` filter.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    /// Turns the two characters `\n` of a Jinja string literal into a newline.
    func replacingEscapedNewlines() -> String {
        guard contains("\\n") else { return self }
        var result = ""
        var iterator = makeIterator()
        while let character = iterator.next() {
            if character == "\\" {
                if let following = iterator.next() {
                    result.append(following == "n" ? "\n" : following)
                } else {
                    result.append(character)
                }
            } else {
                result.append(character)
            }
        }
        return result
    }
}
