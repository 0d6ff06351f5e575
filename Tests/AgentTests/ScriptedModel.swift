import Agent
import Synchronization

/// A language model that writes what its script says, one character per token:
/// each `generate` call takes the next entry. It honours stop strings, token
/// limits and constraints (a character the constraint forbids is replaced by the
/// first allowed one, preferring the start of a closing marker, and the rest of
/// that entry is dropped — what masking does to a real model), and records the
/// context it was given.
final class ScriptedModel: LanguageModel, Sendable {
    let name = "scripted"
    let nativeToolCallFormat: ToolCallFormat?
    let vocabulary: TokenVocabulary?
    private let script: Mutex<[String]>
    /// Every context the sessions were started with, laid out as text.
    let starts = Mutex<[[Message]]>([])

    /// Printable ASCII and newline: the scripted model's tokens.
    static let characters: [Character] = ["\n"] + (32...126).map { Character(UnicodeScalar($0)!) }

    init(_ script: [String], constrained: Bool = false, nativeFormat: ToolCallFormat? = nil) {
        self.script = Mutex(script)
        nativeToolCallFormat = nativeFormat
        vocabulary = constrained ? TokenVocabulary(pieces: Self.characters.map { String($0) }) : nil
    }

    func makeSession() async throws -> any LanguageModelSession {
        ScriptedSession(model: self)
    }

    /// The next entry of the script ("" when it is used up).
    func nextEntry() -> String {
        script.withLock { $0.isEmpty ? "" : $0.removeFirst() }
    }

    var remainingEntries: Int { script.withLock { $0.count } }
}

final class ScriptedSession: LanguageModelSession, Sendable {
    private let model: ScriptedModel
    /// The whole context as text: the messages, then the assistant's turn.
    let context = Mutex("")
    private let counts = Mutex(TokenUsage())

    init(model: ScriptedModel) {
        self.model = model
    }

    var usage: TokenUsage { get async { counts.withLock { $0 } } }

    func start(_ messages: [Message], assistantPrefix: String, stablePrefix: Int) async throws {
        model.starts.withLock { $0.append(messages) }
        let text = messages.map { "[\($0.role.rawValue)] \($0.content)\n" }.joined() + "[assistant] " + assistantPrefix
        context.withLock { $0 = text }
        counts.withLock { $0.prompt += text.count }
    }

    func append(_ text: String) async throws {
        context.withLock { $0 += text }
        counts.withLock { $0.prompt += text.count }
    }

    func generate(_ request: GenerationRequest, onText: @escaping @Sendable (String) -> Bool) async throws -> GenerationOutcome {
        let entry = Array(model.nextEntry())
        var written = ""
        var index = 0
        var forced = false
        var emitted = 0
        var reason = GenerationOutcome.StopReason.endOfTurn
        while true {
            if written.count >= request.maximumTokens {
                reason = .maximumTokens
                break
            }
            var next: Character
            if let allowed = request.constraint?.allowedTokens(after: written) {
                let wanted = !forced && index < entry.count ? entry[index] : nil
                if let wanted, let id = ScriptedModel.characters.firstIndex(of: wanted), allowed.contains(id) {
                    next = wanted
                } else {
                    // Masked: the most likely allowed token, here the closing marker's start.
                    forced = true
                    guard let id = ScriptedModel.characters.indices.first(where: { allowed.contains($0) && ScriptedModel.characters[$0] == "<" })
                        ?? ScriptedModel.characters.indices.first(where: allowed.contains)
                    else { break }
                    next = ScriptedModel.characters[id]
                }
            } else {
                guard index < entry.count else { break }
                next = entry[index]
            }
            index += 1
            written.append(next)
            if let stop = request.stopStrings.first(where: { written.hasSuffix($0) }) {
                written.removeLast(stop.count)
                reason = .stopString(stop)
                break
            }
            // Like the engine, hold back what may still become a stop string.
            let held = Self.heldBack(written, stopStrings: request.stopStrings)
            if written.count - held > emitted {
                let piece = String(written.dropFirst(emitted).dropLast(held))
                emitted += piece.count
                if !onText(piece) {
                    reason = .cancelled
                    break
                }
            }
        }
        if case .endOfTurn = reason, written.count > emitted { _ = onText(String(written.dropFirst(emitted))) }
        if case .maximumTokens = reason, written.count > emitted { _ = onText(String(written.dropFirst(emitted))) }
        let count = index
        counts.withLock { $0.generated += count }
        var kept = written
        if case .stopString(let stop) = reason { kept += stop }
        context.withLock { $0 += kept }
        return GenerationOutcome(text: written, stopReason: reason, tokenCount: count)
    }

    static func heldBack(_ text: String, stopStrings: [String]) -> Int {
        for length in stride(from: min(text.count, (stopStrings.map(\.count).max() ?? 1) - 1), through: 1, by: -1) {
            let tail = text.suffix(length)
            if stopStrings.contains(where: { $0.count > length && $0.hasPrefix(tail) }) { return length }
        }
        return 0
    }

    func fork() async throws -> any LanguageModelSession {
        let copy = ScriptedSession(model: model)
        let text = context.withLock { $0 }
        copy.context.withLock { $0 = text }
        return copy
    }
}
