/// An expression of a template.
indirect enum JinjaExpression: Sendable {
    case literal(JinjaValue)
    case name(String)
    case list([JinjaExpression])
    case dict([(JinjaExpression, JinjaExpression)])
    /// `object.name`
    case attribute(JinjaExpression, String)
    /// `object[index]`
    case item(JinjaExpression, JinjaExpression)
    /// `object[start:stop:step]`
    case slice(JinjaExpression, start: JinjaExpression?, stop: JinjaExpression?, step: JinjaExpression?)
    case call(JinjaExpression, JinjaCallArguments)
    /// `value | name(arguments)`
    case filter(JinjaExpression, String, JinjaCallArguments)
    /// `value is [not] name(arguments)`
    case test(JinjaExpression, String, JinjaCallArguments, negated: Bool)
    case unary(String, JinjaExpression)
    case binary(String, JinjaExpression, JinjaExpression)
    /// `and` / `or`, which do not evaluate the right side when the left decides.
    case logical(String, JinjaExpression, JinjaExpression)
    /// `then if condition else otherwise`
    case conditional(condition: JinjaExpression, then: JinjaExpression, otherwise: JinjaExpression?)
}

/// The arguments written in a call, filter or test.
struct JinjaCallArguments: Sendable {
    var positional: [JinjaExpression] = []
    var keywords: [(String, JinjaExpression)] = []
}

/// What a `for` or `set` assigns to: one name, several (unpacking), or a namespace attribute.
enum JinjaTarget: Sendable {
    case name(String)
    case names([String])
    case attribute(String, String)
}

/// A statement or text of a template, with the line it starts on.
indirect enum JinjaNode: Sendable {
    case text(String)
    case output(JinjaExpression, line: Int)
    case ifChain([(condition: JinjaExpression, body: [JinjaNode])], otherwise: [JinjaNode], line: Int)
    case forLoop(JinjaForLoop)
    case set(JinjaTarget, JinjaExpression, line: Int)
    /// `{% set name %}…{% endset %}`
    case setBlock(String, [JinjaNode], line: Int)
    case macro(JinjaMacro)
    /// `{% call macro(…) %}body{% endcall %}`: the body is the macro's `caller()`.
    case callBlock(JinjaExpression, parameters: [JinjaParameter], body: [JinjaNode], line: Int)
    /// `{% filter name %}…{% endfilter %}`
    case filterBlock(String, JinjaCallArguments, [JinjaNode], line: Int)
    case breakLoop(line: Int)
    case continueLoop(line: Int)
}

/// A `for` loop.
struct JinjaForLoop: Sendable {
    var target: JinjaTarget
    var iterable: JinjaExpression
    var condition: JinjaExpression?
    var body: [JinjaNode]
    var otherwise: [JinjaNode]
    var recursive: Bool
    var line: Int
}

/// A macro's parameter and its default.
struct JinjaParameter: Sendable {
    var name: String
    var defaultValue: JinjaExpression?
}

/// A `macro` definition.
struct JinjaMacro: Sendable {
    var name: String
    var parameters: [JinjaParameter]
    var body: [JinjaNode]
    var line: Int
}
