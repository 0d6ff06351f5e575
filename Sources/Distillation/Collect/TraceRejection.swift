import Agent

/// Why a run's trace was not kept: every check the verifier makes has its own reason,
/// so the collection summary can say where the model goes wrong.
public enum TraceRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// A limit cut the run (tokens, steps, time, repetition): the answer is only the best so far.
    case cutByLimit(StopReason)
    /// The answer is empty.
    case emptyAnswer

    // Numbers (arithmetic, word problems).
    /// The answer does not state the expected number.
    case numberNotStated
    /// The calculator was never called.
    case noCalculation
    /// A calculation failed.
    case calculationFailed
    /// A calculation used a number that is neither the question's nor an earlier result's.
    case ungroundedOperands

    // Page facts.
    /// The page of the question was never fetched (or another address was).
    case pageNotFetched
    /// Fetching the page failed.
    case fetchFailed
    /// The answer does not contain the page's fact.
    case factNotStated

    // Plots.
    /// The Python tool was never called.
    case noPython
    /// The Python code failed every time.
    case pythonFailed
    /// The code ran but saved no PNG figure.
    case noFigure
    /// The figure's code does not plot the question's numbers (or invents others).
    case wrongPlotData

    // Chat.
    /// A plain conversation turn called a tool.
    case toolCalled
    /// The reply says the same thing again and again.
    case repetitive

    // Game of 24 and other kinds collected elsewhere.
    /// The final expression does not use the four numbers once each to make 24.
    case expressionWrong
    /// No collector for this kind is available yet.
    case kindNotCollected

    /// A short name for the summary table's columns: `number-not-stated`, `cut-by-limit`…
    public var label: String {
        switch self {
        case .cutByLimit: "cut-by-limit"
        case .emptyAnswer: "empty-answer"
        case .numberNotStated: "number-not-stated"
        case .noCalculation: "no-calculation"
        case .calculationFailed: "calculation-failed"
        case .ungroundedOperands: "ungrounded-operands"
        case .pageNotFetched: "page-not-fetched"
        case .fetchFailed: "fetch-failed"
        case .factNotStated: "fact-not-stated"
        case .noPython: "no-python"
        case .pythonFailed: "python-failed"
        case .noFigure: "no-figure"
        case .wrongPlotData: "wrong-plot-data"
        case .toolCalled: "tool-called"
        case .repetitive: "repetitive"
        case .expressionWrong: "expression-wrong"
        case .kindNotCollected: "kind-not-collected"
        }
    }

    /// One sentence for a person.
    public var description: String {
        switch self {
        case .cutByLimit(let reason): "the run was cut by \(reason)"
        case .emptyAnswer: "the answer is empty"
        case .numberNotStated: "the answer does not state the expected number"
        case .noCalculation: "the calculator was not called"
        case .calculationFailed: "a calculation failed"
        case .ungroundedOperands: "a calculation used numbers that are not the question's"
        case .pageNotFetched: "the question's page was not fetched"
        case .fetchFailed: "fetching the page failed"
        case .factNotStated: "the answer does not contain the page's fact"
        case .noPython: "the Python tool was not called"
        case .pythonFailed: "the Python code failed"
        case .noFigure: "no figure was saved"
        case .wrongPlotData: "the figure does not plot the question's numbers"
        case .toolCalled: "a plain conversation turn called a tool"
        case .repetitive: "the reply repeats itself"
        case .expressionWrong: "the expression does not make 24 from the four numbers"
        case .kindNotCollected: "this kind is not collected yet"
        }
    }
}
