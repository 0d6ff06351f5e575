import Foundation
import Inference

/// A conversation as the model reads it: its tokens, and which of them the loss
/// counts (the assistant turns' tokens: content and end of turn).
public struct EncodedConversation: Sendable, Equatable {
    /// The line of the training file it came from.
    public let line: Int
    /// The tokens the chat template renders (with BOS where the model expects it).
    public let tokens: [TokenID]
    /// `lossMask[t]`: token `t` is a target, one of an assistant turn's tokens.
    public let lossMask: [Bool]

    /// A conversation of `tokens` with its mask.
    public init(line: Int, tokens: [TokenID], lossMask: [Bool]) {
        self.line = line
        self.tokens = tokens
        self.lossMask = lossMask
    }

    /// How many tokens the loss counts.
    public var targetCount: Int { lossMask.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

/// Turns conversations into tokens and loss masks with the model's chat template, the
/// way inference renders prompts (`Model.chatTokens`).
///
/// The assistant turns are found by rendering prefixes: `messages[..<i]` with the
/// generation prompt ends where turn `i`'s reply begins, and `messages[...i]` without it
/// ends after the reply's end of turn; the difference is exactly what the model writes,
/// for any template, not only the families Ponder knows. Prompt and reply are tokenised
/// apart, so the model learns each reply after the very tokens inference gives it (one
/// token may not straddle the two). Whitespace the template writes after the end-of-turn
/// text (ChatML's newline) is not a target: the model stops at the end of turn.
///
/// A template whose text for a longer conversation does not start with its text for a
/// shorter one (some rewrite earlier turns) is handled on tokens instead: the targets are
/// the tokens between the two renderings' common prefixes with the whole conversation.
public struct TrainingDataEncoder: Sendable {
    /// The tokenizer.
    public let tokenizer: Tokenizer
    /// The chat template.
    public let template: ChatTemplate

    /// An encoder with `tokenizer` and `template` (usually a model's own).
    public init(tokenizer: Tokenizer, template: ChatTemplate) {
        self.tokenizer = tokenizer
        self.template = template
    }

    /// An encoder with `model`'s tokenizer and chat template.
    public init(model: Model) {
        self.init(tokenizer: model.tokenizer, template: model.chatTemplate)
    }

    /// Every conversation encoded; every problem (a conversation longer than `context`
    /// tokens, a template that hides a turn) is reported at once, and then none is returned.
    public func encode(
        _ conversations: [TrainingConversation], context: Int, path: String
    ) throws(TrainingDataError) -> [EncodedConversation] {
        var encoded: [EncodedConversation] = []
        var problems: [TrainingDataProblem] = []
        for conversation in conversations {
            switch encode(conversation) {
            case .success(let result):
                if result.tokens.count > context {
                    problems.append(TrainingDataProblem(line: conversation.line, reason: .tooLong(tokens: result.tokens.count, context: context)))
                } else {
                    encoded.append(result)
                }
            case .failure(let problem):
                problems.append(problem)
            }
        }
        guard problems.isEmpty else { throw .invalidLines(path: path, problems: problems) }
        return encoded
    }

    /// One conversation's tokens and mask, or the assistant turn the template hides.
    public func encode(_ conversation: TrainingConversation) -> Result<EncodedConversation, TrainingDataProblem> {
        let result = encodeBySegments(conversation) ?? encodeByTokens(conversation)
        guard case .success(let encoded) = result else { return result }
        // Every assistant turn has targets (the segment method checks this itself).
        return encoded.targetCount > 0 ? result : .failure(TrainingDataProblem(
            line: conversation.line,
            reason: .assistantTurnNotFound(index: conversation.messages.firstIndex { $0.role == .assistant } ?? 0)))
    }

    /// Prompt and reply texts cut from the renderings and tokenised apart; nil when a
    /// rendering does not extend the one before it.
    func encodeBySegments(_ conversation: TrainingConversation) -> Result<EncodedConversation, TrainingDataProblem>? {
        let messages = conversation.messages
        var tokens: [TokenID] = [], mask: [Bool] = []
        var consumed = "".unicodeScalars
        func append(_ text: Substring.UnicodeScalarView, target: Bool) {
            guard !text.isEmpty else { return }
            let ids = tokenizer.encode(
                String(Substring(text)), addSpecial: tokens.isEmpty && !template.rendersBeginOfSequence, parseSpecial: true)
            tokens += ids
            mask += [Bool](repeating: target, count: ids.count)
        }
        for (index, message) in messages.enumerated() where message.role == .assistant {
            let prompt = template.render(Array(messages[..<index]), addGenerationPrompt: true).unicodeScalars
            let through = template.render(Array(messages[...index]), addGenerationPrompt: false).unicodeScalars
            guard prompt.starts(with: consumed), through.starts(with: prompt) else { return nil }
            append(prompt.dropFirst(consumed.count), target: false)
            let reply = through.dropFirst(prompt.count)
            // The target ends with the end-of-turn text; what the template adds after it is not.
            let end = Substring(reply).range(of: template.endOfTurnText, options: .backwards)?.upperBound ?? reply.endIndex
            let before = tokens.count
            append(reply[..<end], target: !conversation.untrainedTurns.contains(index))
            guard tokens.count > before else {
                return .failure(TrainingDataProblem(line: conversation.line, reason: .assistantTurnNotFound(index: index)))
            }
            append(reply[end...], target: false)
            consumed = through
        }
        let whole = template.render(messages, addGenerationPrompt: false).unicodeScalars
        guard whole.starts(with: consumed) else { return nil }
        append(whole.dropFirst(consumed.count), target: false)
        return .success(EncodedConversation(line: conversation.line, tokens: tokens, lossMask: mask))
    }

    /// The whole conversation tokenised at once, the targets between the common prefixes
    /// of each turn's renderings with it.
    func encodeByTokens(_ conversation: TrainingConversation) -> Result<EncodedConversation, TrainingDataProblem> {
        let messages = conversation.messages
        let tokens = self.tokens(messages, addGenerationPrompt: false)
        var mask = [Bool](repeating: false, count: tokens.count)
        let endOfTurn = endOfTurnToken
        for (index, message) in messages.enumerated() where message.role == .assistant && !conversation.untrainedTurns.contains(index) {
            let before = self.tokens(Array(messages[..<index]), addGenerationPrompt: true)
            let through = self.tokens(Array(messages[...index]), addGenerationPrompt: false)
            let start = commonPrefixCount(before, tokens)
            var end = commonPrefixCount(through, tokens)
            if let endOfTurn, start < end, let last = tokens[start..<end].lastIndex(of: endOfTurn) { end = last + 1 }
            guard start < end else {
                return .failure(TrainingDataProblem(line: conversation.line, reason: .assistantTurnNotFound(index: index)))
            }
            for position in start..<end { mask[position] = true }
        }
        return .success(EncodedConversation(line: conversation.line, tokens: tokens, lossMask: mask))
    }

    /// The tokens of `messages` as `Model.chatTokens` makes them.
    func tokens(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> [TokenID] {
        tokenizer.encode(
            template.render(messages, addGenerationPrompt: addGenerationPrompt),
            addSpecial: !template.rendersBeginOfSequence, parseSpecial: true)
    }

    /// The end-of-turn text's token, when it is one token.
    var endOfTurnToken: TokenID? {
        let ids = tokenizer.encode(template.endOfTurnText, addSpecial: false, parseSpecial: true)
        return ids.count == 1 ? ids[0] : nil
    }

    private func commonPrefixCount(_ a: [TokenID], _ b: [TokenID]) -> Int {
        var count = 0
        while count < a.count, count < b.count, a[count] == b[count] { count += 1 }
        return count
    }
}
