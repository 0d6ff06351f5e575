/// The named constants. They are floating point: π and e are irrational.
enum MathConstant: String, Sendable, CaseIterable {
    case pi, e

    /// The constant for a lower-cased name ("pi", "π", "e").
    init?(name: String) {
        if name == "π" { self = .pi } else { self.init(rawValue: name) }
    }

    static let allNames = allCases.map(\.rawValue)

    /// The nearest `Double` (the same values as Python's math.pi and math.e).
    var value: Double {
        switch self {
        case .pi: return Double.pi
        case .e: return 2.718_281_828_459_045
        }
    }
}
