/// When the assistant thinks before answering, for how long, and on which task.
///
/// A question is answered deliberately when the turn asks for it (a budget given
/// with the question: chat's `/think`), when the policy has a budget for every
/// question (`--deliberate`), or when the question contains one of the trigger's
/// phrases ("take your time"), which asks for `DeliberationTrigger.defaultBudget`.
public struct DeliberationPolicy: Sendable {
    /// The budget of every question; nil: only when asked.
    public var budget: Duration?
    /// The phrases that ask for time; nil: phrases are not looked for.
    public var trigger: DeliberationTrigger?
    /// Special tasks (such as the Game of 24), tried in order before step-by-step reasoning.
    public var recognisers: [DeliberateMode.TaskRecogniser]
    /// The shape of the search (its budget is replaced by the question's).
    public var options: DeliberationOptions

    /// A policy; the default never deliberates.
    public init(
        budget: Duration? = nil, trigger: DeliberationTrigger? = nil, recognisers: [DeliberateMode.TaskRecogniser] = [],
        options: DeliberationOptions = DeliberationOptions()
    ) {
        self.budget = budget
        self.trigger = trigger
        self.recognisers = recognisers
        self.options = options
    }

    /// The search budget for `question`: `requested` (this turn's), else the
    /// policy's, else the default budget when the question asks for time, else nil
    /// (answer at once).
    public func budget(for question: String, requested: Duration? = nil) -> Duration? {
        if let requested { return requested }
        if let budget { return budget }
        return trigger?.phrase(in: question) != nil ? DeliberationTrigger.defaultBudget : nil
    }

    /// Deliberate mode over `planner` for a search of `budget`.
    public func mode(planner: Planner, budget: Duration) -> DeliberateMode {
        var options = options
        options.budget = budget
        return DeliberateMode(planner: planner, prompts: planner.layout.prompts, options: options, recognisers: recognisers)
    }
}
