import AgentTools

/// A kind of question the search can work on. The task lays out the context, has
/// the model write each thought and checks what can be checked; the search
/// (`Deliberation`) decides which thoughts to grow. Neither knows the other's
/// insides: the same search serves every task.
///
/// The thinking is the model's: a task asks the model for each thought. Tools may
/// compute a step the model chose or check a claim it made, but a task never
/// produces candidate thoughts of its own.
public protocol DeliberationTask: Sendable {
    /// A short name for reports ("game of 24", "step by step").
    var name: String { get }

    /// Lays out, in `session`, the context the first thought continues.
    func begin(in session: any LanguageModelSession) async throws

    /// Has the model write the thought that follows `path`, in `session` (a branch
    /// holding the context and the path). Nil when what the model wrote breaks the
    /// task's form or says nothing: the branch is dropped.
    func writeThought(after path: [Thought], in session: any LanguageModelSession, sampling: ThoughtSampling) async throws -> Thought?

    /// The value prompt's opening (instructions and examples), the same for every
    /// state, so its evaluated state is shared; nil when the task has none.
    func valuePreamble() throws -> [Message]?

    /// The question the value prompt asks about the state after `path`, answered
    /// with one of `ValueScale`'s words; nil when there is nothing to judge.
    func valueQuestion(after path: [Thought]) -> String?

    /// The answer a person reads, from a path that ends in an answer or, when time
    /// ran out first, the most promising unfinished one.
    func answer(from path: [Thought], finished: Bool) -> String

    /// What answers are compared by in the vote: answers with the same key agree.
    func voteKey(for answer: String) -> String

    /// Every thought the model may write after `path`, when the task can list them
    /// (each legal Game of 24 move, as the model would write it: "8 + 4 ="); nil
    /// when thoughts are free text. The search then weighs each whole thought by
    /// the model's probability instead of sampling token by token.
    func candidates(after path: [Thought]) -> [String]?

    /// Writes `candidate` (one of `candidates(after: path)`) in `session` and checks
    /// it, as `writeThought(after:in:sampling:)` does for a thought the model wrote.
    func write(_ candidate: String, after path: [Thought], in session: any LanguageModelSession) async throws -> Thought?

    /// Equal for the states after two paths that are the same position, whichever
    /// way they were reached (the same numbers left): the search grows one of them.
    /// Nil: every state is its own.
    func stateKey(after path: [Thought]) -> String?

    /// The value question about a position with nothing in it: its reading is what
    /// the value prompt says regardless of the state, and is subtracted from every
    /// reading. Nil: readings are used as they are.
    func valueBaselineQuestion() -> String?

    /// How well the value prompt's reading told solvable from unsolvable states on
    /// the task's dev set (area under the ROC curve, measured offline); nil when not
    /// measured. Below `DeliberationTaskDefaults.usefulValueAUC` the search leaves
    /// the value out unless told otherwise.
    var valueAUC: Double? { get }
}

/// What a task that says nothing more has: no listed thoughts, no merged states,
/// no calibration, no measured value.
extension DeliberationTask {
    /// Free-text thoughts.
    public func candidates(after path: [Thought]) -> [String]? { nil }
    /// Never called when `candidates(after:)` is nil.
    public func write(_ candidate: String, after path: [Thought], in session: any LanguageModelSession) async throws -> Thought? { nil }
    /// Every state its own.
    public func stateKey(after path: [Thought]) -> String? { nil }
    /// No calibration.
    public func valueBaselineQuestion() -> String? { nil }
    /// Not measured.
    public var valueAUC: Double? { nil }
}

/// Bars the search applies to a task's measurements.
public enum DeliberationTaskDefaults {
    /// A value prompt whose AUC is below this is no better than a coin for ranking
    /// states (0.5), and costs a model call per state: the search leaves it out.
    public static let usefulValueAUC = 0.6
}

/// How a thought is sampled.
public struct ThoughtSampling: Sendable {
    /// 0 is greedy.
    public var temperature: Double
    /// The sampler's seed: each proposal its own, so that proposals differ.
    public var seed: UInt64
    /// When generation must stop: the search's budget ends or a stop is requested
    /// (`isPast`, checked between tokens).
    public var deadline: Deadline
    /// The thoughts already written from this state: a task that can may steer
    /// away from them (sampling without replacement) instead of writing one again.
    public var siblings: [String]

    /// Sampling for one thought, ending at `deadline`.
    public init(
        temperature: Double, seed: UInt64, deadline: Deadline, siblings: [String] = []
    ) {
        self.temperature = temperature
        self.seed = seed
        self.deadline = deadline
        self.siblings = siblings
    }
}

/// One step of reasoning, as the model wrote it and the task checked it.
public struct Thought: Sendable, Equatable {
    /// The thought as the context holds it (one line, tool results included).
    public var text: String
    /// What the checks found: true when every checkable claim held, false when one
    /// failed (the branch is pruned), nil when nothing could be checked.
    public var verified: Bool?
    /// Why a check failed, or what it confirmed, for the tree.
    public var note: String?
    /// Set when the thought ends the reasoning: the answer it gives.
    public var answer: String?
    /// Set when the task's exact checker confirmed the answer: the search stops.
    public var solves: Bool
    /// Tool calls made while writing or checking the thought.
    public var steps: [AgentStep]
    /// Tokens the model generated for it.
    public var tokens: Int
    /// What a person reads of the thought (markers and tool results removed).
    public var answerLine: String

    /// A thought as written and checked; `answerLine` defaults to `text`.
    public init(
        text: String, verified: Bool? = nil, note: String? = nil, answer: String? = nil, solves: Bool = false,
        steps: [AgentStep] = [], tokens: Int = 0, answerLine: String? = nil
    ) {
        self.text = text
        self.verified = verified
        self.note = note
        self.answer = answer
        self.solves = solves
        self.steps = steps
        self.tokens = tokens
        self.answerLine = answerLine ?? text
    }
}
