import Agent
import AgentTools
import Foundation

/// What a `ponder-agent` request may ask beyond OpenAI's fields, read from the same
/// JSON body (clients that send none of them get the plain OpenAI stream):
///
/// - `ponder_events`: `true` adds `PonderEvent`s to a streamed answer, each in a
///   chunk of its own with no choices (`"choices": []`, like the usage chunk) and a
///   `ponder_event` field: the tool calls as they start and end, the search's
///   progress with every new thought, and a summary at the end.
/// - `ponder_deliberate`: seconds of tree-of-thought search before answering
///   (0 < s ≤ `maximumDeliberation`); without it, phrases such as "take your
///   time" in the question still ask for the default budget.
/// - `ponder_tools`: `false` answers with the model alone.
struct PonderAgentRequest: Decodable, Sendable, Equatable {
    var events: Bool?
    var deliberate: Double?
    var tools: Bool?

    /// A search may last at most ten minutes: longer holds the model from every other client.
    static let maximumDeliberation = 600.0

    enum CodingKeys: String, CodingKey {
        case events = "ponder_events"
        case deliberate = "ponder_deliberate"
        case tools = "ponder_tools"
    }

    /// The extension fields of `body` (a request already read as a chat request).
    static func read(_ body: Data) throws(APIError) -> PonderAgentRequest {
        let request: PonderAgentRequest
        do {
            request = try JSONDecoder().decode(PonderAgentRequest.self, from: body)
        } catch {
            throw .invalid(
                "'ponder_events' and 'ponder_tools' take true or false, 'ponder_deliberate' a number of seconds", param: nil)
        }
        if let seconds = request.deliberate, !(seconds > 0 && seconds <= maximumDeliberation) {
            throw .invalid(
                "'ponder_deliberate' must be between 0 and \(Int(maximumDeliberation)) seconds (got \(seconds))",
                param: "ponder_deliberate")
        }
        return request
    }

    /// The search budget asked for, if any.
    var thinking: Duration? {
        deliberate.map { .milliseconds(Int(($0 * 1000).rounded())) }
    }
}

/// One event of a `ponder-agent` run for a front end that draws it (the web page):
/// `type` says which fields are set. Documented in the README ("The web page").
///
/// - `start`: `id` (the run; its figures are under `/files/<id>/`), `mode`, `budget`.
/// - `tool_started`: `tool`, `input`.
/// - `tool_result`: `tool`, `input`, `output`, `ok`, `ms`, `files` (URLs on this server).
/// - `progress`: `elapsed`, `budget`, `expanded`, `thoughts`, `best_score`, `depth`,
///   `answers`, and `node`, the thought just added (`pruned` when its branch ends there).
/// - `stopped`: `reason`, when a limit or the budget cut the run short.
/// - `answer`: `mode`, `seconds`, `files`, and for a search `path` (the chosen
///   thoughts' ids), `verified`, `task`.
struct PonderEvent: Encodable, Sendable, Equatable {
    /// Which event this is; it says which fields are set.
    enum Kind: String, Encodable, Sendable {
        case start, progress, stopped, answer
        case toolStarted = "tool_started"
        case toolResult = "tool_result"
    }

    var type: Kind
    var id: String?
    var mode: String?
    var tool: String?
    var input: String?
    var output: String?
    var ok: Bool?
    var ms: Int?
    var files: [String]?
    var elapsed: Double?
    var budget: Double?
    var expanded: Int?
    var thoughts: Int?
    var bestScore: Double?
    var depth: Int?
    var answers: Int?
    var node: Node?
    var reason: String?
    var seconds: Double?
    var path: [Int]?
    var verified: Bool?
    var task: String?

    /// A thought of the search as the page draws it.
    struct Node: Encodable, Sendable, Equatable {
        var id: Int
        var parent: Int?
        var text: String
        var score: Double
        var verified: Bool?
        var depth: Int
        var answer: String?
        var note: String?
        var pruned: Bool
    }

    enum CodingKeys: String, CodingKey {
        case type, id, mode, tool, input, output, ok, ms, files, elapsed, budget, expanded, thoughts, depth, answers, node, reason
        case seconds, path, verified, task
        case bestScore = "best_score"
    }

    init(type: Kind) {
        self.type = type
    }

    static func start(id: String, thinking: Duration?) -> PonderEvent {
        var event = PonderEvent(type: .start)
        event.id = id
        event.mode = thinking == nil ? AnswerMode.fast.rawValue : AnswerMode.deliberate.rawValue
        event.budget = thinking?.inSeconds
        return event
    }

    /// The event for `event`, nil for answer text (which goes in the standard chunks);
    /// `run` names the run's folder, so its figures become `/files/<run>/<name>`.
    static func of(_ event: AssistantEvent, run: String) -> PonderEvent? {
        switch event {
        case .text:
            return nil
        case .toolStarted(let tool, let input):
            var made = PonderEvent(type: .toolStarted)
            made.tool = tool
            made.input = input
            return made
        case .toolResult(let step):
            var made = PonderEvent(type: .toolResult)
            made.tool = step.tool
            made.input = step.input
            made.output = step.output
            made.ok = step.ok
            made.ms = step.ms
            made.files = fileURLs(step.files, run: run)
            return made
        case .progress(let progress):
            var made = PonderEvent(type: .progress)
            made.elapsed = progress.elapsed.inSeconds
            made.budget = progress.budget.inSeconds
            made.expanded = progress.expanded
            made.thoughts = progress.thoughts
            made.bestScore = progress.bestScore
            made.depth = progress.depth
            made.answers = progress.answers
            made.node = progress.thought.map { node in
                Node(
                    id: node.id, parent: node.parent, text: node.text, score: node.score, verified: node.verified, depth: node.depth,
                    answer: node.answer, note: node.note, pruned: progress.pruned)
            }
            return made
        case .stopped(let reason):
            var made = PonderEvent(type: .stopped)
            made.reason = reason.description
            return made
        case .answer(let answer):
            var made = PonderEvent(type: .answer)
            made.mode = answer.mode.rawValue
            made.seconds = answer.seconds
            made.files = fileURLs(answer.files, run: run)
            made.path = answer.deliberation?.path
            made.verified = answer.deliberation?.verified
            made.task = answer.deliberation?.task
            return made
        }
    }

    /// The URLs of the files among `paths` that lie in the run's own folder.
    static func fileURLs(_ paths: [String], run: String) -> [String] {
        paths.compactMap { path in
            let url = URL(fileURLWithPath: path)
            guard url.deletingLastPathComponent().lastPathComponent == run else { return nil }
            return FigureFiles.url(run: run, name: url.lastPathComponent)
        }
    }
}

/// A chunk of the `ponder-agent` stream that carries a `PonderEvent` and no choices.
struct PonderEventChunk: Encodable, Sendable {
    var id: String
    var object = "chat.completion.chunk"
    var created: Int
    var model: String
    var choices: [String] = []
    var ponderEvent: PonderEvent

    enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices
        case ponderEvent = "ponder_event"
    }

    init(id: String, created: Int, model: String, event: PonderEvent) {
        self.id = id
        self.created = created
        self.model = model
        ponderEvent = event
    }
}
