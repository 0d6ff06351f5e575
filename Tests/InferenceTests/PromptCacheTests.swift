import Foundation
import Testing
@testable import Inference

struct PromptCacheTests {
    static let model: Model? = try? Model(path: Fixtures.defaultModelPath)

    func temporaryCache() -> PromptCache {
        PromptCache(directory: FileManager.default.temporaryDirectory.appendingPathComponent("ponder-cache-\(UUID().uuidString)").path)
    }

    func systemPrefix(_ model: Model) -> [TokenID] {
        model.tokenizer.encode(model.chatTemplate.render([], addGenerationPrompt: false), addSpecial: false, parseSpecial: true)
    }

    @Test("built once, then loaded: same logits, same continuation, nothing evaluated")
    func roundTrip() throws {
        let model = try #require(Self.model)
        let cache = temporaryCache()
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let prefix = systemPrefix(model)
        let (built, first) = try cache.session(model: model, prefix: prefix, contextLength: 256)
        #expect(first == .built)
        #expect(built.evaluatedTokenCount == prefix.count)
        let (loaded, second) = try cache.session(model: model, prefix: prefix, contextLength: 256)
        #expect(second == .loaded)
        #expect(loaded.evaluatedTokenCount == 0)
        #expect(loaded.tokens == prefix)
        #expect(loaded.lastLogits == built.lastLogits)
        // Continue both with a user turn: identical.
        let turn = model.tokenizer.encode("<|im_start|>user\nWhat is 24 × 78?<|im_end|>\n<|im_start|>assistant\n", addSpecial: false, parseSpecial: true)
        #expect(try loaded.append(turn) == built.append(turn))
        #expect(loaded.evaluatedTokenCount == turn.count)
        // The mapped pages were copied before being written, never written in place:
        // the file still verifies and loads.
        let (again, third) = try cache.session(model: model, prefix: prefix, contextLength: 256)
        #expect(third == .loaded)
        #expect(try again.append(turn) == loaded.lastLogits)
    }

    @Test("corrupt, truncated and foreign files are detected and rebuilt", arguments: ["flip", "truncate", "garbage"])
    func rebuildsBadFiles(damage: String) throws {
        let model = try #require(Self.model)
        let cache = temporaryCache()
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let prefix = systemPrefix(model)
        let (original, _) = try cache.session(model: model, prefix: prefix, contextLength: 256)
        let path = cache.filePath(fingerprint: PromptCache.fingerprint(model), prefix: prefix)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        switch damage {
        case "flip": data[data.count - 100] ^= 0x40
        case "truncate": data = data.prefix(data.count / 2)
        default: data = Data(repeating: 7, count: 1000)
        }
        try data.write(to: URL(fileURLWithPath: path))
        let (session, outcome) = try cache.session(model: model, prefix: prefix, contextLength: 256)
        guard case .rebuilt(let reason) = outcome else { Issue.record("a damaged file was trusted: \(outcome)"); return }
        #expect(!reason.isEmpty)
        #expect(session.lastLogits == original.lastLogits)
        let (_, afterwards) = try cache.session(model: model, prefix: prefix, contextLength: 256)
        #expect(afterwards == .loaded)
    }

    @Test("a prefix evaluated by the base model is not reused with an adapter, nor one adapter's with another's or another scale")
    func adaptersHaveTheirOwnFiles() throws {
        let base = try #require(Self.model)
        let cache = temporaryCache()
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let file = try GGUFFile(path: Fixtures.defaultModelPath)
        let config = try ModelConfig(file: file)
        let adapter = LoRAAdapterFileTests.randomAdapter(config: config, targets: [.q, .v], seed: 3)
        let other = LoRAAdapterFileTests.randomAdapter(config: config, targets: [.q, .v], seed: 4)
        let adapted = try Model(file: file, adapters: [(adapter, 1)])
        let prefix = systemPrefix(base)
        let (baseSession, _) = try cache.session(model: base, prefix: prefix, contextLength: 256)
        let (adaptedSession, outcome) = try cache.session(model: adapted, prefix: prefix, contextLength: 256)
        #expect(outcome == .built)
        #expect(adaptedSession.lastLogits != baseSession.lastLogits)
        #expect(try cache.session(model: adapted, prefix: prefix, contextLength: 256).1 == .loaded)
        #expect(try cache.session(model: Model(file: file, adapters: [(other, 1)]), prefix: prefix, contextLength: 256).1 == .built)
        #expect(try cache.session(model: Model(file: file, adapters: [(adapter, 0.5)]), prefix: prefix, contextLength: 256).1 == .built)
        #expect(try cache.session(model: base, prefix: prefix, contextLength: 256).1 == .loaded)
    }

    @Test("a different prefix gets its own file; an unwritable directory still answers")
    func keys() throws {
        let model = try #require(Self.model)
        let cache = temporaryCache()
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let prefix = systemPrefix(model)
        _ = try cache.session(model: model, prefix: prefix, contextLength: 256)
        let (_, other) = try cache.session(model: model, prefix: Array(prefix.dropLast()), contextLength: 256)
        #expect(other == .built)
        let unwritable = PromptCache(directory: "/proc/ponder-cannot-write-here")
        let (session, outcome) = try unwritable.session(model: model, prefix: prefix, contextLength: 256)
        #expect(outcome == .built)
        #expect(session.tokens == prefix)
    }

    @Test("a chat prompt takes its stable messages' state from the cache only when it begins with them and goes on")
    func stableMessages() throws {
        let model = try #require(Self.model)
        let cache = temporaryCache()
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let user = ChatMessage(role: .user, content: "What is 24 × 78?")
        let system = ChatMessage(role: .system, content: "Be brief.")
        // No stable messages: the system turn the template writes by default.
        let defaultTurn = model.chatTokens([], addGenerationPrompt: false)
        let plain = model.chatTokens([user])
        let fromDefault = try #require(try cache.session(model: model, stableMessages: [], of: plain, contextLength: 256))
        #expect(fromDefault.tokens == defaultTurn)
        #expect(fromDefault.evaluatedTokenCount == defaultTurn.count)
        let again = try #require(try cache.session(model: model, stableMessages: [], of: plain, contextLength: 256))
        #expect(again.evaluatedTokenCount == 0)
        // A conversation with its own system message does not begin with the default turn.
        let withSystem = model.chatTokens([system, user])
        #expect(try cache.session(model: model, stableMessages: [], of: withSystem, contextLength: 256) == nil)
        let fromSystem = try #require(try cache.session(model: model, stableMessages: [system], of: withSystem, contextLength: 256))
        #expect(fromSystem.tokens == model.chatTokens([system], addGenerationPrompt: false))
        _ = try fromSystem.setTokens(withSystem)
        #expect(fromSystem.tokens == withSystem)
        // Nothing past the stable messages: nothing to take from the cache.
        let onlySystem = model.chatTokens([system], addGenerationPrompt: false)
        #expect(try cache.session(model: model, stableMessages: [system], of: onlySystem, contextLength: 256) == nil)
    }
}
