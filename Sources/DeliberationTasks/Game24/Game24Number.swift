import AgentTools

/// A number of a Game of 24 position: a positive whole number or fraction, written
/// "12" or "8/3". The arithmetic is the calculator's (exact rationals); this type
/// only holds a result in lowest terms, writes it and compares it.
public struct Game24Number: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The numerator, in lowest terms.
    public let numerator: Int
    /// The denominator, in lowest terms, 1 for a whole number.
    public let denominator: Int

    /// A whole number.
    public init(_ value: Int) {
        numerator = value
        denominator = 1
    }

    /// `numerator / denominator` in lowest terms; nil when the denominator is 0.
    public init?(_ numerator: Int, over denominator: Int) {
        guard denominator != 0 else { return nil }
        var (p, q) = (denominator < 0 ? -numerator : numerator, abs(denominator))
        var (a, b) = (abs(p), q)
        while b != 0 { (a, b) = (b, a % b) }
        if a > 1 { (p, q) = (p / a, q / a) }
        self.numerator = p
        self.denominator = q
    }

    /// Reads "12", "8/3" (as moves and thoughts write numbers).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let top = Int(parts[0]) else { return nil }
        guard parts.count == 2 else {
            self.init(top)
            return
        }
        guard let bottom = Int(parts[1]) else { return nil }
        self.init(top, over: bottom)
    }

    /// Reads the calculator's exact output: "24", "2.5", "0.333333333333333 (= 1/3)";
    /// nil for anything else (an approximate or too long result).
    public init?(calculatorOutput text: String) {
        if let open = text.range(of: "(= "), text.hasSuffix(")") {
            self.init(text[open.upperBound..<text.index(before: text.endIndex)])
            return
        }
        if let whole = Int(text) {
            self.init(whole)
            return
        }
        // A terminating decimal: digits after the point over a power of ten.
        let parts = text.split(separator: ".")
        guard parts.count == 2, parts[1].count <= 12, let whole = Int(parts[0]), let fraction = Int(parts[1]) else { return nil }
        var scale = 1
        for _ in 0..<parts[1].count { scale *= 10 }
        let sign = text.hasPrefix("-") ? -1 : 1
        self.init(whole * scale + sign * fraction, over: scale)
    }

    /// True for a whole number.
    public var isWhole: Bool { denominator == 1 }

    /// True above zero.
    public var isPositive: Bool { numerator > 0 }

    /// "12" or "8/3".
    public var description: String { isWhole ? String(numerator) : "\(numerator)/\(denominator)" }

    /// Ordered by value (cross-multiplied; the game's numbers are small).
    public static func < (lhs: Game24Number, rhs: Game24Number) -> Bool {
        lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }
}
