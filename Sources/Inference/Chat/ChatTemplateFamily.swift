/// What each prompt format writes apart from the messages: the text that ends a
/// turn, and the BOS/EOS texts its models conventionally use. These let Ponder
/// render a family's prompts without a GGUF file, for a remote server reached
/// through `/v1/completions`.
extension ChatTemplate.Family {
    /// The text that ends an assistant turn in this format; a server that renders
    /// nothing itself sees it as the end of the reply (a stop string).
    public var endOfTurnText: String {
        switch self {
        case .chatML, .generic: "<|im_end|>"
        case .llama3: "<|eot_id|>"
        case .llama2, .mistral: "</s>"
        case .gemma: "<end_of_turn>"
        }
    }

    /// The BOS text its models write at the start of the prompt (empty: none written).
    var conventionalBeginOfSequenceText: String {
        switch self {
        case .llama3: "<|begin_of_text|>"
        case .llama2, .mistral: "<s>"
        case .chatML, .generic, .gemma: ""
        }
    }

    /// The EOS text its models write after an assistant turn (empty: none written).
    var conventionalEndOfSequenceText: String {
        switch self {
        case .llama3: "<|eot_id|>"
        case .llama2, .mistral: "</s>"
        case .chatML, .generic, .gemma: ""
        }
    }
}

extension ChatTemplate {
    /// The template of `family` without a model file: the family's conventional BOS
    /// and EOS texts, no default system message and no template source.
    public init(family: Family) {
        self.family = family
        source = nil
        defaultSystemMessage = nil
        beginOfSequenceText = family.conventionalBeginOfSequenceText
        endOfSequenceText = family.conventionalEndOfSequenceText
        writesKnowledgeDates = false
        writesBeginOfSequenceEveryTurn = false
        program = nil
        programProblem = nil
        rendersBeginOfSequence = startsWithBeginOfSequence()
    }

    /// The text that ends an assistant turn in this template's format.
    public var endOfTurnText: String { family.endOfTurnText }
}
