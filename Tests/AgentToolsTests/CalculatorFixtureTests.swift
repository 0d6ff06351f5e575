import BigInt
import Foundation
import Testing
@testable import AgentTools

/// The calculator against Python's fractions and math modules on 2,500 random
/// expressions made by tools/make-calculator-fixtures.
struct CalculatorFixtureTests {
    struct Case: Decodable {
        let expression: String
        let shape: String
        /// An integer or "p/q": the calculator's value must be exactly this.
        let exact: String?
        /// Python's float repr: the calculator's value must be within 1e-12 of it.
        let float: String?
        /// The text the calculator prints for this value.
        let display: String?
        /// The start of the error message the calculator must give.
        let error: String?
    }

    struct Fixture: Decodable {
        let seed: Int
        let cases: [Case]
    }

    static let fixture: Fixture? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/calculator-cases.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Fixture.self, from: data)
    }()

    static func rational(_ text: String) -> Rational? {
        let parts = text.split(separator: "/")
        guard let numerator = BigInt(String(parts[0])) else { return nil }
        guard parts.count == 2 else { return Rational(numerator) }
        guard let denominator = BigInt(String(parts[1])) else { return nil }
        return Rational(numerator, denominator)
    }

    /// Relative error at most 1e-12, or absolute at most 1e-12 for results near zero.
    static func close(_ actual: Double, _ expected: Double) -> Bool {
        let difference = abs(actual - expected)
        return difference <= 1e-12 * abs(expected) || (abs(expected) < 1e-12 && difference <= 1e-12)
    }

    @Test("at least 2,000 cases of every shape")
    func coverage() throws {
        let fixture = try #require(Self.fixture, "Fixtures/calculator-cases.json is missing or malformed")
        #expect(fixture.cases.count >= 2_000)
        let shapes = Set(fixture.cases.map(\.shape))
        #expect(shapes.isSuperset(of: ["integers", "decimals and fractions", "nested parentheses and signs", "powers",
                                       "factorials", "percentages", "modulo", "functions", "mixed", "errors"]))
    }

    @Test("values agree with Python: exact ones exactly, floats within 1e-12")
    func values() throws {
        let fixture = try #require(Self.fixture)
        let calculator = Calculator()
        var identicalFloats = 0, floats = 0
        for item in fixture.cases {
            let value: Number
            do {
                value = try calculator.value(of: item.expression)
            } catch {
                #expect("\(error)".hasPrefix(item.error ?? "(no error)"), "\(item.expression): \(error)")
                continue
            }
            if let error = item.error {
                Issue.record("\(item.expression): expected an error '\(error)', got \(value)")
            } else if let exact = item.exact {
                #expect(value == .exact(try #require(Self.rational(exact))), "\(item.expression): \(value) ≠ \(exact)")
            } else if let float = item.float {
                let expected = try #require(Double(float))
                floats += 1
                if value.doubleValue == expected { identicalFloats += 1 }
                #expect(!value.isExact || value.doubleValue == expected, "\(item.expression): exact \(value), Python's float \(float)")
                #expect(Self.close(value.doubleValue, expected), "\(item.expression): \(value.doubleValue) vs \(float)")
            }
        }
        // The same operations in the same order give the same floats, bit for bit.
        #expect(identicalFloats == floats, "\(floats - identicalFloats) of \(floats) floats differ in the last bits")
    }

    @Test("the displayed text follows the documented format")
    func display() throws {
        let fixture = try #require(Self.fixture)
        let calculator = Calculator()
        for item in fixture.cases {
            guard let display = item.display else { continue }
            let text: String
            do { text = try calculator.evaluate(item.expression) } catch { text = "error: \(error)" }
            #expect(text == display, "\(item.expression)")
        }
    }
}
