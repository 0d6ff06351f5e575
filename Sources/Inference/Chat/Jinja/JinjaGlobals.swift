import Foundation

/// The functions every chat template may call, as transformers provides them.
enum JinjaGlobals {
    /// `range`, `namespace`, `dict`, `raise_exception` and `strftime_now` (which formats
    /// `now`, so a render can be repeated exactly).
    static func functions(now: Date) -> [String: JinjaValue] {
        [
            "range": .function(JinjaFunction(name: "range") { arguments, _ in
                let bounds = arguments.positional.map { value -> Int in
                    if case .int(let number) = value { return number }
                    return Int(value.numericValue ?? 0)
                }
                let (start, stop, step): (Int, Int, Int)
                switch bounds.count {
                case 1: (start, stop, step) = (0, bounds[0], 1)
                case 2: (start, stop, step) = (bounds[0], bounds[1], 1)
                case 3: (start, stop, step) = (bounds[0], bounds[1], bounds[2])
                default: throw JinjaMethodError.badArgument("range takes one to three integers")
                }
                guard step != 0 else { throw JinjaMethodError.badArgument("range() step must not be zero") }
                guard (stop - start) / step < 100_000 else { throw JinjaMethodError.badArgument("range() is too long") }
                return .list(Swift.stride(from: start, to: stop, by: step).map { .int($0) })
            }),
            "namespace": .function(JinjaFunction(name: "namespace") { arguments, _ in
                var attributes = JinjaDict()
                if case .dict(let initial)? = arguments.positional.first { attributes = initial }
                for (name, value) in arguments.keywords { attributes[name] = value }
                return .namespace(JinjaNamespace(attributes))
            }),
            "dict": .function(JinjaFunction(name: "dict") { arguments, _ in
                var dict = JinjaDict()
                if case .dict(let initial)? = arguments.positional.first { dict = initial }
                for (name, value) in arguments.keywords { dict[name] = value }
                return .dict(dict)
            }),
            "raise_exception": .function(JinjaFunction(name: "raise_exception") { arguments, _ in
                throw JinjaError.raised(arguments.positional.first?.pythonString ?? "raise_exception() was called")
            }),
            "strftime_now": .function(JinjaFunction(name: "strftime_now") { arguments, _ in
                .string(strftime(arguments.positional.first?.pythonString ?? "", now))
            }),
        ]
    }

    /// Python's `strftime` for the conversions templates use, in UTC.
    static func strftime(_ format: String, _ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        func two(_ number: Int?) -> String { String(format: "%02d", number ?? 0) }
        var result = ""
        var characters = Array(format)[...]
        while let character = characters.popFirst() {
            guard character == "%", let code = characters.popFirst() else {
                result.append(character)
                continue
            }
            let month = (parts.month ?? 1) - 1, weekday = (parts.weekday ?? 1) - 1
            switch code {
            case "Y": result += String(parts.year ?? 0)
            case "y": result += two((parts.year ?? 0) % 100)
            case "m": result += two(parts.month)
            case "d": result += two(parts.day)
            case "-": if let next = characters.popFirst() {
                switch next {
                case "d": result += String(parts.day ?? 0)
                case "m": result += String(parts.month ?? 0)
                default: result += "%-" + String(next)
                }
            }
            case "B": result += months[month]
            case "b": result += String(months[month].prefix(3))
            case "A": result += days[weekday]
            case "a": result += String(days[weekday].prefix(3))
            case "H": result += two(parts.hour)
            case "M": result += two(parts.minute)
            case "S": result += two(parts.second)
            case "j": result += String(format: "%03d", calendar.ordinality(of: .day, in: .year, for: date) ?? 0)
            case "%": result += "%"
            default: result += "%" + String(code)
            }
        }
        return result
    }
}
