/// A language model the planner can drive: the local engine, a remote
/// OpenAI-compatible server, or a scripted model in tests.
///
/// The planner speaks in text: it lays out a conversation, lets the model continue
/// it, and appends what tools return. Everything about tokens stays behind this
/// protocol, except the vocabulary a model may expose for constrained decoding.
public protocol LanguageModel: Sendable {
    /// A short name for reports, e.g. the model file's name.
    var name: String { get }
    /// The tool-call format the model was trained on, if its chat template says so.
    var nativeToolCallFormat: ToolCallFormat? { get }
    /// The text of every token, when the model can restrict its next token (local
    /// models); nil when it cannot (remote servers), and constraints are then skipped.
    var vocabulary: TokenVocabulary? { get }
    /// A new, empty session.
    func makeSession() async throws -> any LanguageModelSession
    /// Lets each job's session continue its context as its request asks, together
    /// where the model can decode several sequences at once (the local engine: one
    /// forward pass per token for all of them), else one after another (the
    /// default). Outcomes in the order of `jobs`; the sessions must be distinct.
    func generateTogether(_ jobs: [GenerationJob]) async throws -> [GenerationOutcome]
    /// The log-probability of each of `continuations` (its canonical tokens, one after
    /// another) after the context of `session`, all read in one batched pass where the
    /// model can (the local engine); nil when the model cannot score text (the
    /// default: remote servers). `session` is not changed.
    func logProbabilities(of continuations: [String], after session: any LanguageModelSession) async throws -> [Double]?
}

extension LanguageModel {
    /// One job after another: what a model without batched decoding does.
    public func generateTogether(_ jobs: [GenerationJob]) async throws -> [GenerationOutcome] {
        try await generateOneAfterAnother(jobs)
    }

    /// Each job's session generates in turn; outcomes in the order of `jobs`.
    public func generateOneAfterAnother(_ jobs: [GenerationJob]) async throws -> [GenerationOutcome] {
        var outcomes: [GenerationOutcome] = []
        for job in jobs { outcomes.append(try await job.session.generate(job.request, onText: job.onText)) }
        return outcomes
    }

    /// Scoring text is the local engine's: nil.
    public func logProbabilities(of continuations: [String], after session: any LanguageModelSession) async throws -> [Double]? {
        nil
    }
}

/// A session and what it should generate next, for `LanguageModel.generateTogether`.
public struct GenerationJob: Sendable {
    /// The session that continues.
    public var session: any LanguageModelSession
    /// What to generate.
    public var request: GenerationRequest
    /// Receives each piece of text; false stops this job.
    public var onText: @Sendable (String) -> Bool

    /// `session` continues as `request` asks, streaming to `onText`.
    public init(session: any LanguageModelSession, request: GenerationRequest, onText: @escaping @Sendable (String) -> Bool = { _ in true }) {
        self.session = session
        self.request = request
        self.onText = onText
    }
}

/// One line of thought of a model: a context (a conversation laid out by the chat
/// template, then free text) that grows as the model writes and tools answer.
///
/// Sessions are used by one task at a time; implementations keep blocking work
/// (matrix products, network) off the cooperative thread pool.
public protocol LanguageModelSession: AnyObject, Sendable {
    /// Replaces the context with `messages` laid out by the model's chat template,
    /// followed by the start of an assistant turn and `assistantPrefix`. A model
    /// reuses whatever prefix it already holds. The first `stablePrefix` messages are
    /// the same on every run (system prompt, examples): a model may keep their
    /// evaluated state across processes.
    func start(_ messages: [Message], assistantPrefix: String, stablePrefix: Int) async throws
    /// Appends text to the current assistant turn (a tool's result, a marker).
    func append(_ text: String) async throws
    /// Lets the model continue the context; `onText` receives each piece of text as
    /// it is produced and may return false to stop. The generated text (and the stop
    /// string that ended it, if any) becomes part of the context.
    func generate(_ request: GenerationRequest, onText: @escaping @Sendable (String) -> Bool) async throws -> GenerationOutcome
    /// A branch continuing from exactly this point; what the two write afterwards is
    /// independent. Local sessions share the evaluated prefix instead of copying it.
    func fork() async throws -> any LanguageModelSession
    /// Token counts so far: what this session evaluated (its cost) and generated.
    var usage: TokenUsage { get async }
}

/// A message of a conversation.
public struct Message: Codable, Sendable, Equatable {
    /// Who speaks.
    public enum Role: String, Codable, Sendable {
        /// The instructions, the person asking, the model's replies, a tool's results.
        case system, user, assistant, tool
    }

    /// Who speaks.
    public var role: Role
    /// What they say.
    public var content: String

    /// A message from `role` saying `content`.
    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// How many tokens a session read (prompt) and wrote (generated).
public struct TokenUsage: Codable, Sendable, Equatable {
    /// Tokens of context the model evaluated (cached tokens not counted).
    public var prompt: Int
    /// Tokens the model generated.
    public var generated: Int

    /// Usage of the given counts; zero by default.
    public init(prompt: Int = 0, generated: Int = 0) {
        self.prompt = prompt
        self.generated = generated
    }

    /// The usage of both, added count by count.
    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(prompt: lhs.prompt + rhs.prompt, generated: lhs.generated + rhs.generated)
    }

    /// The difference, count by count: what was used since `rhs` was read.
    public static func - (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(prompt: lhs.prompt - rhs.prompt, generated: lhs.generated - rhs.generated)
    }
}
