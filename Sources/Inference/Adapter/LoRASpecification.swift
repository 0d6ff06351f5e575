/// An adapter as the command line names it: `FILE` or `FILE:SCALE` (scale 1 when
/// absent). A suffix after the last `:` that is not a number is part of the path.
public struct LoRASpecification: Sendable, Equatable {
    /// The adapter file.
    public var path: String
    /// The user's scale of the adapter (1: as trained).
    public var scale: Float

    /// A specification from its parts.
    public init(path: String, scale: Float = 1) {
        self.path = path
        self.scale = scale
    }

    /// Reads `FILE[:SCALE]`; nil when the path is empty or the scale is not finite.
    public init?(parsing text: String) {
        var path = text
        var scale: Float = 1
        if let colon = text.lastIndex(of: ":") {
            let suffix = text[text.index(after: colon)...]
            if let number = Float(suffix) {
                guard number.isFinite else { return nil }
                path = String(text[..<colon])
                scale = number
            }
        }
        guard !path.isEmpty else { return nil }
        self.init(path: path, scale: scale)
    }
}
