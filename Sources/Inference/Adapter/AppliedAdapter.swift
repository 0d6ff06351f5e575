/// What a loaded model shows about an adapter applied to it.
public struct AppliedAdapter: Sendable, Equatable, Codable {
    /// The file it was read from; nil for an adapter built in memory.
    public var path: String?
    /// The user's scale (`--lora FILE:SCALE`).
    public var scale: Float
    /// The adapter's alpha (0: the scale alone).
    public var alpha: Float
    /// The ranks of its pairs (usually one).
    public var ranks: [Int]
    /// The matrices it changes.
    public var targets: [LoRATarget]
    /// How many weight matrices it changes, over all blocks.
    public var matrixCount: Int

    /// The summary of `adapter` applied with `scale`.
    public init(_ adapter: LoRAAdapter, scale: Float) {
        path = adapter.path
        self.scale = scale
        alpha = adapter.alpha
        ranks = adapter.ranks
        targets = adapter.targets
        matrixCount = adapter.weights.count
    }

    /// The file's name without its folders, and the scale: "tools.gguf ×0.5" (what a
    /// server shows its clients, who need not learn its paths).
    public var label: String {
        let name = path.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "(in memory)"
        return scale == 1 ? name : "\(name) ×\(scale)"
    }

    /// One line for people: "FILE (scale 0.5, rank 16, alpha 32, q,k,v,o,gate,up,down on 210 matrices)".
    public var summary: String {
        let rank = ranks.map(String.init).joined(separator: "/")
        let name = path ?? "(in memory)"
        return "\(name) (scale \(scale), rank \(rank), alpha \(alpha), "
            + "\(targets.map(\.rawValue).joined(separator: ",")) on \(matrixCount) matrices)"
    }
}
