import Agent

/// Every way to make 24 by the moves the search lists (`Game24State.moves`): an
/// exhaustive walk in exact rational arithmetic. It never steers the search (which only
/// ever sees the model's proposals); it finds solution paths where one is wanted as
/// data, such as the training traces of a puzzle the search did not solve in its budget.
/// A chosen solution becomes the search's own thoughts through the task (`path(_:)`),
/// computed by the calculator and checked as the search checks them.
public struct Game24Solver: Sendable {
    /// The task whose moves are walked.
    public let task: Game24Task

    /// A solver of `task`'s puzzle.
    public init(task: Game24Task) {
        self.task = task
    }

    /// A solution: the moves as the search lists them ("8 + 4 ="), in order.
    public struct Solution: Sendable, Equatable {
        /// The moves, one per step.
        public var moves: [String]
        /// True when every number made on the way is whole (no fraction).
        public var wholeNumbers: Bool
    }

    /// Every solution, in the order the moves are listed; positions reached twice (the
    /// same numbers left) are walked once, so solutions that differ only in the order of
    /// independent moves appear once. Empty when the puzzle has no solution.
    public func solutions() -> [Solution] {
        var found: [Solution] = []
        var seen: Set<String> = []
        walk(Game24State(numbers: task.puzzle.numbers), moves: [], whole: true, found: &found, seen: &seen)
        return found
    }

    /// The thoughts of `moves` as the search writes them, from the start; nil when a
    /// move is not legal where it is made.
    public func path(_ moves: [String]) -> [Thought]? {
        var path: [Thought] = []
        for move in moves {
            guard let thought = task.thought(for: move, after: path), thought.verified != false else { return nil }
            path.append(thought)
        }
        return path
    }

    private func walk(_ state: Game24State, moves: [String], whole: Bool, found: inout [Solution], seen: inout Set<String>) {
        for candidate in state.moves {
            guard let move = Game24Move(candidate), let value = Self.value(of: move),
                case .success(let next) = state.applying(move, result: value)
            else { continue }
            let made = moves + [candidate]
            if next.entries.count == 1 {
                if value == Game24Number(Game24Puzzle.target) { found.append(Solution(moves: made, wholeNumbers: whole && value.isWhole)) }
                continue
            }
            guard seen.insert(next.key).inserted else { continue }
            walk(next, moves: made, whole: whole && value.isWhole, found: &found, seen: &seen)
        }
    }

    /// `move`'s value in exact rationals (the calculator's result, without its parser:
    /// the walk makes thousands of moves); nil for a division by zero or an overflow.
    static func value(of move: Game24Move) -> Game24Number? {
        let (a, b, c, d) = (move.left.numerator, move.left.denominator, move.right.numerator, move.right.denominator)
        func product(_ x: Int, _ y: Int) -> Int? {
            let (result, overflow) = x.multipliedReportingOverflow(by: y)
            return overflow ? nil : result
        }
        switch move.symbol {
        case "+", "-":
            guard let ad = product(a, d), let cb = product(c, b), let bd = product(b, d) else { return nil }
            return Game24Number(move.symbol == "+" ? ad + cb : ad - cb, over: bd)
        case "*":
            guard let ac = product(a, c), let bd = product(b, d) else { return nil }
            return Game24Number(ac, over: bd)
        default:
            guard let ad = product(a, d), let bc = product(b, c) else { return nil }
            return Game24Number(ad, over: bc)
        }
    }
}
