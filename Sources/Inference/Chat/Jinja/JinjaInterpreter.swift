/// Variables visible at one point of a render: a chain from the innermost block
/// (a loop iteration, a macro call) out to the template's top level.
final class JinjaScope {
    var variables: [String: JinjaValue] = [:]
    let parent: JinjaScope?

    init(parent: JinjaScope?) { self.parent = parent }

    func lookup(_ name: String) -> JinjaValue? {
        var scope: JinjaScope? = self
        while let current = scope {
            if let value = current.variables[name] { return value }
            scope = current.parent
        }
        return nil
    }
}

/// How a list of nodes finished: normally, or by `break` / `continue` in a loop.
enum JinjaFlow {
    case normal, breakLoop, continueLoop
}

/// Runs a template's nodes, writing what they print.
public final class JinjaInterpreter {
    /// The functions every template sees (`range`, `namespace`, `raise_exception`, …).
    let globals: [String: JinjaValue]
    /// What the nodes run so far printed (a block being captured prints into its own).
    private var output = ""

    init(globals: [String: JinjaValue]) { self.globals = globals }

    /// Renders `nodes` with `variables` at the top level.
    func render(_ nodes: [JinjaNode], variables: [String: JinjaValue]) throws -> String {
        let scope = JinjaScope(parent: nil)
        scope.variables = variables
        output = ""
        _ = try run(nodes, scope)
        return output
    }

    /// Runs `nodes` writing into a separate buffer, and returns what they printed.
    func capture(_ nodes: [JinjaNode], _ scope: JinjaScope) throws -> String {
        let saved = output
        output = ""
        defer { output = saved }
        _ = try run(nodes, scope)
        return output
    }

    func run(_ nodes: [JinjaNode], _ scope: JinjaScope) throws -> JinjaFlow {
        for node in nodes {
            let flow = try run(node, scope)
            if flow != .normal { return flow }
        }
        return .normal
    }

    private func run(_ node: JinjaNode, _ scope: JinjaScope) throws -> JinjaFlow {
        switch node {
        case .text(let text):
            output += text
        case .output(let expression, let line):
            let value = try evaluate(expression, scope, line: line)
            output += value.pythonString
        case .ifChain(let branches, let otherwise, let line):
            for branch in branches where try evaluate(branch.condition, scope, line: line).isTruthy {
                return try run(branch.body, scope)
            }
            return try run(otherwise, scope)
        case .forLoop(let loop):
            try runLoop(loop, scope)
        case .set(let target, let expression, let line):
            try assign(try evaluate(expression, scope, line: line), to: target, in: scope, line: line)
        case .setBlock(let name, let body, _):
            scope.variables[name] = .string(try capture(body, JinjaScope(parent: scope)))
        case .macro(let macro):
            scope.variables[macro.name] = makeMacro(macro, scope: scope)
        case .callBlock(let call, let parameters, let body, let line):
            guard case .call(let callee, var arguments) = call else {
                throw JinjaError.syntax("{% call %} needs a macro call", line: line)
            }
            let caller = makeMacro(JinjaMacro(name: "caller", parameters: parameters, body: body, line: line), scope: scope)
            arguments.keywords.append(("caller", .literal(caller)))
            output += try evaluate(.call(callee, arguments), scope, line: line).pythonString
        case .filterBlock(let name, let arguments, let body, let line):
            let text = try capture(body, JinjaScope(parent: scope))
            let evaluated = try evaluateArguments(arguments, scope, line: line)
            output += try applyFilter(name, to: .string(text), evaluated, line: line).pythonString
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    private func assign(_ value: JinjaValue, to target: JinjaTarget, in scope: JinjaScope, line: Int) throws {
        switch target {
        case .name(let name):
            scope.variables[name] = value
        case .names(let names):
            let items = try iterated(value, line: line)
            guard items.count == names.count else {
                throw JinjaError.render("cannot unpack \(items.count) values into \(names.count) names", line: line)
            }
            for (name, item) in zip(names, items) { scope.variables[name] = item }
        case .attribute(let object, let attribute):
            guard case .namespace(let namespace)? = scope.lookup(object) else {
                throw JinjaError.render("cannot set an attribute of '\(object)': only a namespace() takes attributes", line: line)
            }
            namespace.attributes[attribute] = value
        }
    }

    private func runLoop(_ loop: JinjaForLoop, _ scope: JinjaScope) throws {
        if loop.recursive { throw JinjaError.unsupported("a recursive for loop", line: loop.line) }
        var items = try iterated(try evaluate(loop.iterable, scope, line: loop.line), line: loop.line)
        if let condition = loop.condition {
            items = try items.filter { item in
                let filterScope = JinjaScope(parent: scope)
                try assign(item, to: loop.target, in: filterScope, line: loop.line)
                return try evaluate(condition, filterScope, line: loop.line).isTruthy
            }
        }
        if items.isEmpty {
            _ = try run(loop.otherwise, scope)
            return
        }
        let count = items.count
        for (position, item) in items.enumerated() {
            let iteration = JinjaScope(parent: scope)
            try assign(item, to: loop.target, in: iteration, line: loop.line)
            iteration.variables["loop"] = Self.loopObject(position: position, items: items, count: count)
            if try run(loop.body, iteration) == .breakLoop { break }
        }
    }

    /// The `loop` variable of one iteration.
    private static func loopObject(position: Int, items: [JinjaValue], count: Int) -> JinjaValue {
        var loop = JinjaDict()
        loop["index"] = .int(position + 1)
        loop["index0"] = .int(position)
        loop["revindex"] = .int(count - position)
        loop["revindex0"] = .int(count - position - 1)
        loop["first"] = .bool(position == 0)
        loop["last"] = .bool(position == count - 1)
        loop["length"] = .int(count)
        loop["depth"] = .int(1)
        loop["depth0"] = .int(0)
        loop["previtem"] = position > 0 ? items[position - 1] : .undefined("there is no previous item")
        loop["nextitem"] = position + 1 < count ? items[position + 1] : .undefined("there is no next item")
        loop["cycle"] = .function(JinjaFunction(name: "loop.cycle") { arguments, _ in
            guard !arguments.positional.isEmpty else { return .undefined("loop.cycle() needs values") }
            return arguments.positional[position % arguments.positional.count]
        })
        return .dict(loop)
    }

    /// A macro as a callable value: its parameters bound from the call's arguments (or
    /// their defaults), in a scope inside the one it was defined in.
    private func makeMacro(_ macro: JinjaMacro, scope definition: JinjaScope) -> JinjaValue {
        // The scope is only touched by the render that made it, on its thread.
        nonisolated(unsafe) let definition = definition
        return .function(JinjaFunction(name: macro.name) { arguments, interpreter in
            let call = JinjaScope(parent: definition)
            for (position, parameter) in macro.parameters.enumerated() {
                if let value = arguments.value(position, parameter.name) {
                    call.variables[parameter.name] = value
                } else if let defaultValue = parameter.defaultValue {
                    call.variables[parameter.name] = try interpreter.evaluate(defaultValue, call, line: macro.line)
                } else {
                    call.variables[parameter.name] = .undefined(parameter.name)
                }
            }
            let extra = arguments.positional.dropFirst(macro.parameters.count)
            call.variables["varargs"] = .list(Array(extra))
            let known = Set(macro.parameters.map(\.name) + ["caller"])
            call.variables["kwargs"] = .dict(JinjaDict(arguments.keywords.filter { !known.contains($0.0) }))
            if let caller = arguments.keywords.first(where: { $0.0 == "caller" })?.1 { call.variables["caller"] = caller }
            return .string(try interpreter.capture(macro.body, call))
        })
    }
}
