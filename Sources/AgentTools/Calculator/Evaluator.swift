/// Computes the value of a parsed expression, naming the column of the operator or
/// function where a computation fails.
struct Evaluator: Sendable {
    let arithmetic: Arithmetic

    func evaluate(_ expression: Expression) throws(CalculatorError) -> Number {
        let column = expression.column
        switch expression.kind {
        case .number(let value):
            return try at(column) { () throws(CalculatorError) in try arithmetic.settle(value) }
        case .constant(let constant):
            return .approximate(constant.value)
        case .negate(let operand):
            return arithmetic.negate(try evaluate(operand))
        case .percent(let operand):
            let value = try evaluate(operand)
            return try at(column) { () throws(CalculatorError) in try arithmetic.percent(value) }
        case .factorial(let operand):
            let value = try evaluate(operand)
            return try at(column) { () throws(CalculatorError) in try arithmetic.factorial(value) }
        case .binary(let operation, let leftOperand, let rightOperand):
            let left = try evaluate(leftOperand)
            let right = try evaluate(rightOperand)
            return try at(column) { () throws(CalculatorError) in try apply(operation, left, right) }
        case .percentChange(let baseOperand, let rateOperand, let increase):
            let base = try evaluate(baseOperand)
            let rate = try evaluate(rateOperand)
            return try at(column) { () throws(CalculatorError) in
                let factor = increase ? try arithmetic.add(Number(1), rate) : try arithmetic.subtract(Number(1), rate)
                return try arithmetic.multiply(base, factor)
            }
        case .call(let function, let argumentExpressions):
            var arguments: [Number] = []
            for argument in argumentExpressions {
                arguments.append(try evaluate(argument))
            }
            return try at(column) { () throws(CalculatorError) in try function.apply(to: arguments, using: arithmetic) }
        }
    }

    private func apply(_ operation: BinaryOperator, _ left: Number, _ right: Number) throws(CalculatorError) -> Number {
        switch operation {
        case .add: return try arithmetic.add(left, right)
        case .subtract: return try arithmetic.subtract(left, right)
        case .multiply: return try arithmetic.multiply(left, right)
        case .divide: return try arithmetic.divide(left, right)
        case .modulo: return try arithmetic.modulo(left, right)
        case .power: return try arithmetic.power(left, right)
        }
    }

    /// Runs `body`, giving an error without a place the column `column`.
    private func at(_ column: Int, _ body: () throws(CalculatorError) -> Number) throws(CalculatorError) -> Number {
        do {
            return try body()
        } catch {
            var located = error
            if located.column == nil { located.column = column }
            throw located
        }
    }
}
