import CKernels
import Foundation

/// The KV state of fixed prompt prefixes (system prompt, tool instructions) saved on
/// disk, so a new process starts generating without re-reading them.
///
/// A file is keyed by the model's fingerprint and the prefix tokens; it holds the
/// tokens, the logits after the last one, and the KV pages, and is memory-mapped
/// when used (its pages are copied only if a session writes into them). Every
/// header field and a checksum of the contents are verified before use: a stale,
/// truncated or corrupt file is rebuilt, never trusted.
public struct PromptCache: Sendable {
    /// Where cache files live.
    public let directory: String

    /// How a prefix was obtained.
    public enum Outcome: Equatable, Sendable {
        /// Mapped from a valid cache file.
        case loaded
        /// Evaluated and saved (no file existed).
        case built
        /// Evaluated and saved, replacing a file that failed verification.
        case rebuilt(reason: String)
    }

    /// `$PONDER_CACHE_DIR/prompts`, else `~/.cache/ponder/prompts`.
    public static var defaultDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let custom = environment["PONDER_CACHE_DIR"], !custom.isEmpty { return custom + "/prompts" }
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (FileManager.default.homeDirectoryForCurrentUser.path + "/.cache")
        return base + "/ponder/prompts"
    }

    /// A cache keeping its files in `directory`.
    public init(directory: String = PromptCache.defaultDirectory) {
        self.directory = directory
    }

    static let magic: [UInt8] = Array("PNDRKV01".utf8)
    static let version: UInt32 = 1
    /// Header: magic, version, page size, layers, KV width, vocabulary, token count,
    /// model fingerprint, checksum of everything after the header.
    static let headerSize = 8 + 4 * 5 + 8 * 3
    static let dataAlignment = 4096

    /// A session whose first tokens are `prefix`, from the cache when possible.
    public func session(model: Model, prefix: [TokenID], contextLength: Int) throws(InferenceError) -> (InferenceSession, Outcome) {
        guard !prefix.isEmpty else { throw .invalidArgument("the cached prefix is empty") }
        let fingerprint = Self.fingerprint(model)
        let path = filePath(fingerprint: fingerprint, prefix: prefix)
        var outcome = Outcome.built
        if FileManager.default.fileExists(atPath: path) {
            switch load(path: path, model: model, fingerprint: fingerprint, prefix: prefix, contextLength: contextLength) {
            case .success(let session):
                return (session, .loaded)
            case .failure(let reason):
                outcome = .rebuilt(reason: reason.description)
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        let session = try model.makeSession(contextLength: contextLength)
        try session.append(prefix)
        // Saving is best-effort: a read-only or full disk must not stop the answer.
        try? save(session, fingerprint: fingerprint, to: path)
        return (session, outcome)
    }

    /// A session for `prompt` holding the cached state of `prefix` when `prompt` begins
    /// with it and goes on past it (only the rest is then left to evaluate); nil when
    /// it does not.
    func session(
        model: Model, prefix: [TokenID], of prompt: [TokenID], contextLength: Int
    ) throws(InferenceError) -> InferenceSession? {
        guard !prefix.isEmpty, prefix.count < prompt.count, prompt.starts(with: prefix) else { return nil }
        return try session(model: model, prefix: prefix, contextLength: contextLength).0
    }

    /// A session for the chat prompt `prompt` holding the cached state of
    /// `stableMessages` as the model's chat template lays them out (with no messages:
    /// the system turn the template writes by default), when `prompt` begins with them
    /// and goes on past them; nil when it does not.
    public func session(
        model: Model, stableMessages: [ChatMessage], of prompt: [TokenID], contextLength: Int
    ) throws(InferenceError) -> InferenceSession? {
        let prefix = model.chatTokens(stableMessages, addGenerationPrompt: false)
        return try session(model: model, prefix: prefix, of: prompt, contextLength: contextLength)
    }

    func filePath(fingerprint: UInt64, prefix: [TokenID]) -> String {
        let key = prefix.withUnsafeBytes { ck_hash64($0.baseAddress, Int64($0.count), fingerprint) }
        return directory + "/" + String(key, radix: 16).leftPadded(to: 16) + ".kv"
    }

    /// Identifies the model as it computes: its file, and the adapters applied to it
    /// (a prefix evaluated with an adapter is not the base model's, nor another adapter's).
    static func fingerprint(_ model: Model) -> UInt64 {
        let file = model.file.contentFingerprint
        guard !model.adapters.isEmpty else { return file }
        return withUnsafeBytes(of: model.adapterFingerprint) { ck_hash64($0.baseAddress, Int64($0.count), file) }
    }

    struct LoadFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private func load(path: String, model: Model, fingerprint: UInt64, prefix: [TokenID], contextLength: Int) -> Result<InferenceSession, LoadFailure> {
        let mapped: MappedFile
        do { mapped = try MappedFile(path: path) } catch { return .failure(LoadFailure("unreadable: \(error)")) }
        let bytes = mapped.bytes
        guard bytes.count >= Self.headerSize, Array(bytes[0..<8]) == Self.magic else { return .failure(LoadFailure("not a prompt cache file")) }
        func u32(_ offset: Int) -> Int { Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        let config = model.config
        let keyValueWidth = config.headCountKV * config.headDimension
        guard u32(8) == Int(Self.version), u32(12) == KVCache.pageSize, u32(16) == config.blockCount,
              u32(20) == keyValueWidth, u32(24) == config.vocabularySize
        else { return .failure(LoadFailure("made by another version or for another model shape")) }
        guard u64(36) == fingerprint else { return .failure(LoadFailure("made for another model file")) }
        guard let tokenCount = Int(exactly: u64(28)), tokenCount == prefix.count, tokenCount <= contextLength else {
            return .failure(LoadFailure("holds another prefix"))
        }
        let layout = Self.layout(tokenCount: tokenCount, vocabulary: config.vocabularySize, layers: config.blockCount, keyValueWidth: keyValueWidth)
        guard bytes.count == layout.fileSize else { return .failure(LoadFailure("has the wrong size (truncated?)")) }
        let checksum = ck_hash64(bytes.baseAddress! + Self.headerSize, Int64(bytes.count - Self.headerSize), fingerprint)
        guard checksum == u64(44) else { return .failure(LoadFailure("fails its checksum (corrupt)")) }
        let tokens = (0..<tokenCount).map { TokenID(bitPattern: UInt32(u32(layout.tokensOffset + 4 * $0))) }
        guard tokens == prefix else { return .failure(LoadFailure("holds another prefix")) }
        let logits = (0..<config.vocabularySize).map {
            Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: layout.logitsOffset + 4 * $0, as: UInt32.self)))
        }
        guard ck_all_finite(logits, Int64(logits.count)) != 0 else { return .failure(LoadFailure("holds NaN or infinite logits")) }
        let cache: KVCache
        do { cache = try KVCache(config: config, capacity: contextLength) } catch { return .failure(LoadFailure("\(error)")) }
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        for page in 0..<layout.pageCount {
            let start = layout.pagesOffset + page * 2 * layout.pageBytes
            cache.pages.append(KVPage(
                mapping: mapped,
                keys: UnsafeRawPointer(base + start).assumingMemoryBound(to: UInt16.self),
                values: UnsafeRawPointer(base + start + layout.pageBytes).assumingMemoryBound(to: UInt16.self),
                elementCount: layout.pageBytes / 2))
        }
        cache.count = tokenCount
        return .success(InferenceSession(model: model, cache: cache, tokens: tokens, lastLogits: logits))
    }

    struct Layout {
        let tokensOffset: Int, logitsOffset: Int, pagesOffset: Int, pageCount: Int, pageBytes: Int, fileSize: Int
    }

    static func layout(tokenCount: Int, vocabulary: Int, layers: Int, keyValueWidth: Int) -> Layout {
        let tokensOffset = headerSize
        let logitsOffset = tokensOffset + 4 * tokenCount
        let pagesOffset = (logitsOffset + 4 * vocabulary + dataAlignment - 1) / dataAlignment * dataAlignment
        let pageCount = (tokenCount + KVCache.pageSize - 1) / KVCache.pageSize
        let pageBytes = layers * KVCache.pageSize * keyValueWidth * 2
        return Layout(tokensOffset: tokensOffset, logitsOffset: logitsOffset, pagesOffset: pagesOffset,
                      pageCount: pageCount, pageBytes: pageBytes, fileSize: pagesOffset + pageCount * 2 * pageBytes)
    }

    private func save(_ session: InferenceSession, fingerprint: UInt64, to path: String) throws {
        let config = session.model.config
        let keyValueWidth = config.headCountKV * config.headDimension
        let layout = Self.layout(tokenCount: session.tokens.count, vocabulary: config.vocabularySize,
                                 layers: config.blockCount, keyValueWidth: keyValueWidth)
        var data = Data(count: layout.fileSize)
        data.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress!
            func put<T: FixedWidthInteger>(_ value: T, at offset: Int) { raw.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self) }
            for (i, byte) in Self.magic.enumerated() { raw[i] = byte }
            put(Self.version, at: 8)
            put(UInt32(KVCache.pageSize), at: 12)
            put(UInt32(config.blockCount), at: 16)
            put(UInt32(keyValueWidth), at: 20)
            put(UInt32(config.vocabularySize), at: 24)
            put(UInt64(session.tokens.count), at: 28)
            put(fingerprint, at: 36)
            for (i, token) in session.tokens.enumerated() { put(UInt32(bitPattern: token), at: layout.tokensOffset + 4 * i) }
            for (i, logit) in (session.lastLogits ?? []).enumerated() { put(logit.bitPattern, at: layout.logitsOffset + 4 * i) }
            for (index, page) in session.cache.pages.prefix(layout.pageCount).enumerated() {
                let start = layout.pagesOffset + index * 2 * layout.pageBytes
                memcpy(base + start, page.keys, layout.pageBytes)
                memcpy(base + start + layout.pageBytes, page.values, layout.pageBytes)
            }
            put(ck_hash64(base + Self.headerSize, Int64(layout.fileSize - Self.headerSize), fingerprint), at: 44)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Write aside, then rename: a reader never sees half a file.
        let temporary = path + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        if rename(temporary, path) != 0 {
            try? FileManager.default.removeItem(atPath: temporary)
        }
    }
}
