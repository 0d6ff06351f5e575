import AgentTools
import Testing
@testable import Agent

private func calc(_ input: String, _ output: String, ok: Bool = true) -> AgentStep {
    AgentStep(tool: "calc", input: input, output: output, ok: ok, ms: 0)
}

private func failing(_ checks: [CandidateCheck]) -> [CandidateCheck.Kind] {
    checks.filter { !$0.holds }.map(\.kind)
}

@Test func aGroundedCalculationThatKeepsItsResultPassesEveryCheck() {
    let answer = AgentAnswer(answer: "84 / 3 = 28.", steps: [calc("84/3", "28")])
    let checks = CandidateChecks.check(answer, kind: .arithmetic, question: "What is 84 divided by 3?")
    #expect(failing(checks).isEmpty)
    #expect(checks.map(\.kind) == [.finished, .calculated, .grounded, .operands, .resultKept, .claims])
    #expect(CandidateChecks.voteKey(answer, kind: .arithmetic) == "28")
}

@Test func inventedNumbersUnusedOperandsAndDroppedResultsFail() {
    let question = "A box holds 12 eggs. How many eggs are in 7 boxes?"
    let invented = AgentAnswer(answer: "It is 1260.", steps: [calc("12*7*15", "1260")])
    #expect(failing(CandidateChecks.check(invented, kind: .arithmetic, question: question)) == [.grounded])
    let unused = AgentAnswer(answer: "It is 144.", steps: [calc("12*12", "144")])
    #expect(failing(CandidateChecks.check(unused, kind: .arithmetic, question: question)) == [.operands])
    let dropped = AgentAnswer(answer: "It is 12.", steps: [calc("12*7", "84")])
    #expect(failing(CandidateChecks.check(dropped, kind: .arithmetic, question: question)) == [.resultKept])
    // An earlier result may be used by a later call.
    let twoSteps = AgentAnswer(answer: "It is 42.", steps: [calc("12*7", "84"), calc("84/2", "42")])
    #expect(failing(CandidateChecks.check(twoSteps, kind: .arithmetic, question: "Take 12 times 7, then half of that.")).isEmpty)
}

@Test func aRunCutShortOrWithoutACalculationIsNotVerified() {
    let cut = AgentAnswer(answer: "It is", steps: [calc("84/3", "28")], stoppedBy: .timeLimit)
    #expect(failing(CandidateChecks.check(cut, kind: .arithmetic, question: "What is 84 divided by 3?")).contains(.finished))
    let failed = AgentAnswer(answer: "It is 28.", steps: [calc("84/", "error: …", ok: false)])
    #expect(failing(CandidateChecks.check(failed, kind: .arithmetic, question: "What is 84 divided by 3?")) == [.calculated])
}

@Test func aPageAnswerMustOccurInTheFetchedPage() {
    let page = AgentStep(tool: "fetch", input: "http://example.org", output: "Title: Varn\n\nAda Brook has led the council\nof Varn since 2019.", ok: true, ms: 0)
    let copied = AgentAnswer(answer: "Ada Brook has led the council of Varn since 2019.", steps: [page])
    #expect(failing(CandidateChecks.check(copied, kind: .page, question: "Who leads Varn?")).isEmpty)
    let madeUp = AgentAnswer(answer: "Ada Brook is the queen.", steps: [page])
    #expect(failing(CandidateChecks.check(madeUp, kind: .page, question: "Who leads Varn?")) == [.copied])
    #expect(CandidateChecks.voteKey(copied, kind: .page) == "ada brook has led the council of varn since 2019.")
}

@Test func aFigureMustBeSavedAndHoldTheQuestionsData() {
    let question = "Draw a bar chart of Tom 3, Ann 8."
    let good = AgentStep(
        tool: "python", input: "import matplotlib.pyplot as plt\nlabels = [\"Tom\", \"Ann\"]\nvalues = [3, 8]\nplt.bar(labels, values)",
        output: "figure saved", ok: true, ms: 0, files: ["figure-1.png"])
    #expect(failing(CandidateChecks.check(AgentAnswer(answer: "Here it is.", steps: [good]), kind: .plot, question: question)).isEmpty)
    var invented = good
    invented.input = "import matplotlib.pyplot as plt\nplt.bar([\"Tom\", \"Ann\"], [3, 9])"
    #expect(failing(CandidateChecks.check(AgentAnswer(answer: "Here it is.", steps: [invented]), kind: .plot, question: question)) == [.data])
    var noFigure = good
    noFigure.files = []
    #expect(failing(CandidateChecks.check(AgentAnswer(answer: "Done.", steps: [noFigure]), kind: .plot, question: question)) == [.figure])
}

@Test func theKindFollowsTheToolTheQuestionSettles() {
    let tools = ["calc", "fetch", "python"]
    #expect(EverydayKind(question: "What is 15% of 80?", tools: tools) == .arithmetic)
    #expect(EverydayKind(question: "Who is the mayor according to http://example.org/varn ?", tools: tools) == .page)
    #expect(EverydayKind(question: "Plot 3, 8, 5 as a bar chart.", tools: tools) == .plot)
    #expect(EverydayKind(question: "Why is the sky blue?", tools: tools) == nil)
    #expect(EverydayKind(question: "What is 15% of 80?", tools: ["python"]) == nil)
}
