import AgentTools
import Foundation

/// Checks the arithmetic a thought states ("24 × 78 = 1872") with the exact
/// calculator: a thought that gets a sum wrong is a branch not worth growing.
public enum ArithmeticClaims {
    /// One claim and what the calculator found.
    public struct Check: Sendable, Equatable {
        /// The expression as written, e.g. "24 × 78".
        public var expression: String
        /// The value the thought states.
        public var claimed: String
        /// The calculator's value.
        public var computed: String
        /// True when the computed value agrees with the claimed one, to the precision
        /// the claim is written with.
        public var holds: Bool
    }

    /// "expression = number", the expression having at least one operator.
    private nonisolated(unsafe) static let claim =
        /(?<expression>\(?\s*\d[\d.,]*\s*\)?(?:\s*[-+*\/×÷x^]\s*\(?\s*\d[\d.,]*\s*\)?)+)\s*=\s*(?<value>-?\d[\d,]*(?:\.\d+)?)/

    /// Every claim in `text`, checked. Expressions the calculator cannot read are
    /// left out (not every "a x b = c" is arithmetic).
    public static func check(_ text: String, calculator: Calculator = Calculator()) -> [Check] {
        text.matches(of: claim).compactMap { match in
            let expression = String(match.output.expression).trimmingCharacters(in: .whitespaces)
            let claimed = String(match.output.value)
            let readable = expression.replacingOccurrences(of: ",", with: "")
            guard let computed = try? calculator.evaluate(readable) else { return nil }
            return Check(expression: expression, claimed: claimed, computed: computed, holds: agrees(computed, claimed))
        }
    }

    /// Whether the calculator's value and the claimed one agree, to the precision
    /// the claim is written with ("10/3 = 3.33" holds; "10/3 = 3.4" does not).
    static func agrees(_ computed: String, _ claimed: String) -> Bool {
        let value = computed.split(separator: " ").first.map(String.init) ?? computed
        guard let exact = Double(value), let stated = Double(claimed.replacingOccurrences(of: ",", with: "")) else { return false }
        let decimals = claimed.split(separator: ".").dropFirst().first?.count ?? 0
        let tolerance = decimals == 0 ? 1e-9 * max(1, abs(exact)) : 0.5 * pow(10, -Double(decimals)) + 1e-12
        return abs(exact - stated) <= tolerance
    }
}
