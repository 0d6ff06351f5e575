import Agent
import Foundation
import Testing
@testable import Distillation

/// The verifier: each expectation's accepted run, and every rejection reason.
struct CollectVerifierTests {
    let verifier = TraceVerifier()

    static func item(_ kind: CurriculumItem.Kind, _ question: String, _ expected: CurriculumItem.Expectation, page: GeneratedPage? = nil) -> CurriculumItem {
        CurriculumItem(id: "\(kind.rawValue)-0", kind: kind, template: "t", question: question, expected: expected, page: page)
    }

    static func answer(_ text: String, steps: [AgentStep] = [], stoppedBy: StopReason? = nil) -> AgentAnswer {
        AgentAnswer(answer: text, steps: steps, stoppedBy: stoppedBy)
    }

    // MARK: Numbers

    static let product = item(.arithmetic, "A hall has 12 rows of 34 seats. How many seats is that?", .number(value: "408"))

    @Test("a number: stated, computed by the calculator from the question's numbers")
    func numberVerified() {
        let run = Self.answer("The hall has 408 seats.", steps: [AgentStep(tool: "calc", input: "12*34", output: "408", ok: true, ms: 1)])
        #expect(verifier.rejection(of: run, for: Self.product) == nil)
        // Thousands separators and a result used again are fine.
        let sum = Self.item(.wordProblem, "I have 1,200 stamps and buy 34 more, then twice that. How many?", .number(value: "2468"))
        let twoSteps = Self.answer(
            "That makes 2,468 stamps.",
            steps: [AgentStep(tool: "calc", input: "1200+34", output: "1234", ok: true, ms: 1), AgentStep(tool: "calc", input: "1234*2", output: "2468", ok: true, ms: 1)])
        #expect(verifier.rejection(of: twoSteps, for: sum) == nil)
    }

    @Test("a number: every way to get it wrong has its reason")
    func numberRejections() {
        let calc = AgentStep(tool: "calc", input: "12*34", output: "408", ok: true, ms: 1)
        #expect(verifier.rejection(of: Self.answer("It is 407.", steps: [calc]), for: Self.product) == .numberNotStated)
        #expect(verifier.rejection(of: Self.answer("It is 408."), for: Self.product) == .noCalculation)
        let failed = AgentStep(tool: "calc", input: "12*", output: "error: expected a number at 4", ok: false, ms: 1)
        #expect(verifier.rejection(of: Self.answer("It is 408.", steps: [failed, calc]), for: Self.product) == .calculationFailed)
        let invented = AgentStep(tool: "calc", input: "12*34+0*77", output: "408", ok: true, ms: 1)
        #expect(verifier.rejection(of: Self.answer("It is 408.", steps: [invented]), for: Self.product) == .ungroundedOperands)
        #expect(verifier.rejection(of: Self.answer("It is 408.", steps: [calc], stoppedBy: .tokenLimit(512)), for: Self.product) == .cutByLimit(.tokenLimit(512)))
        #expect(verifier.rejection(of: Self.answer("  ", steps: [calc]), for: Self.product) == .emptyAnswer)
    }

    @Test("numbers are read as the evaluation reads them: commas dropped, 1e-6 relative")
    func numberReading() {
        #expect(TraceVerifier.numbers(in: "about 1,234.5 or -7") == [1234.5, -7])
        #expect(TraceVerifier.equal(408.0000001, 408))
        #expect(!TraceVerifier.equal(408.01, 408))
    }

    // MARK: Page facts

    static let page = GeneratedPage(name: "tamvor-0.html", html: "<table><tr><th>Population</th><td>12,345</td></tr></table>")
    static let pageQuestion = item(.page, "Look at http://127.0.0.1:4000/tamvor-0.html and tell me: How many people live in Tamvor?", .text(value: "12,345"), page: page)
    static let fetch = AgentStep(tool: "fetch", input: "http://127.0.0.1:4000/tamvor-0.html", output: "Population 12,345", ok: true, ms: 3)

    @Test("a page fact: the page fetched, the fact stated (case and separators ignored)")
    func textVerified() {
        #expect(verifier.rejection(of: Self.answer("About 12345 people live there.", steps: [Self.fetch]), for: Self.pageQuestion) == nil)
        let river = Self.item(.page, "Which river flows through Tamvor? The page is http://127.0.0.1:4000/tamvor-0.html.", .text(value: "the Oskzan"), page: Self.page)
        #expect(verifier.rejection(of: Self.answer("The Oskzan.", steps: [Self.fetch]), for: river) == nil)
    }

    @Test("a page fact: another page, a failed fetch, a missing fact")
    func textRejections() {
        let other = AgentStep(tool: "fetch", input: "http://127.0.0.1:4000/other.html", output: "Population 12,345", ok: true, ms: 3)
        #expect(verifier.rejection(of: Self.answer("12,345", steps: [other]), for: Self.pageQuestion) == .pageNotFetched)
        #expect(verifier.rejection(of: Self.answer("12,345"), for: Self.pageQuestion) == .pageNotFetched)
        let failed = AgentStep(tool: "fetch", input: Self.fetch.input, output: "error: connection refused", ok: false, ms: 3)
        #expect(verifier.rejection(of: Self.answer("12,345", steps: [failed]), for: Self.pageQuestion) == .fetchFailed)
        #expect(verifier.rejection(of: Self.answer("About 12,000 people.", steps: [Self.fetch]), for: Self.pageQuestion) == .factNotStated)
    }

    // MARK: Plots

    static let plot = item(.plot, "Draw a line plot of these readings: 40, 55, 61.", .plot(data: [40, 55, 61]))

    static func figure() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("collect-verifier-\(UUID().uuidString).png").path
        let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let code = "import matplotlib.pyplot as plt\nplt.plot([40, 55, 61])\nplt.savefig('readings.png')"

    @Test("a plot: the code ran, saved a PNG and plots the question's numbers")
    func plotVerified() throws {
        let png = try Self.figure()
        defer { try? FileManager.default.removeItem(atPath: png) }
        let run = Self.answer("Here is the plot.", steps: [AgentStep(tool: "python", input: Self.code, output: png, ok: true, ms: 300, files: [png])])
        #expect(verifier.rejection(of: run, for: Self.plot) == nil)
    }

    @Test("a plot: no Python, failed code, no figure, a file that is no PNG, other numbers")
    func plotRejections() throws {
        let png = try Self.figure()
        let text = FileManager.default.temporaryDirectory.appendingPathComponent("collect-verifier-\(UUID().uuidString).png").path
        try Data("not a picture".utf8).write(to: URL(fileURLWithPath: text))
        defer {
            try? FileManager.default.removeItem(atPath: png)
            try? FileManager.default.removeItem(atPath: text)
        }
        #expect(verifier.rejection(of: Self.answer("Done."), for: Self.plot) == .noPython)
        let failed = AgentStep(tool: "python", input: Self.code, output: "NameError: plt", ok: false, ms: 10)
        #expect(verifier.rejection(of: Self.answer("Done.", steps: [failed]), for: Self.plot) == .pythonFailed)
        // A plot that failed says so even when the model wrote no text after it.
        #expect(verifier.rejection(of: Self.answer("", steps: [failed]), for: Self.plot) == .pythonFailed)
        let noFile = AgentStep(tool: "python", input: Self.code, output: "", ok: true, ms: 10)
        #expect(verifier.rejection(of: Self.answer("Done.", steps: [noFile]), for: Self.plot) == .noFigure)
        let notPNG = AgentStep(tool: "python", input: Self.code, output: text, ok: true, ms: 10, files: [text])
        #expect(verifier.rejection(of: Self.answer("Done.", steps: [notPNG]), for: Self.plot) == .noFigure)
        let missing = AgentStep(tool: "python", input: "import matplotlib.pyplot as plt\nplt.plot([40, 55])\nplt.savefig('a.png')", output: png, ok: true, ms: 10, files: [png])
        #expect(verifier.rejection(of: Self.answer("Done.", steps: [missing]), for: Self.plot) == .wrongPlotData)
        let invented = AgentStep(tool: "python", input: "import matplotlib.pyplot as plt\nplt.plot([40, 55, 61, 99])\nplt.savefig('a.png')", output: png, ok: true, ms: 10, files: [png])
        #expect(verifier.rejection(of: Self.answer("Done.", steps: [invented]), for: Self.plot) == .wrongPlotData)
    }

    // MARK: Chat

    static let chat = item(.chat, "Give me a tip for sleeping better.", .reply)

    @Test("a chat turn: a reply without tools that does not repeat itself")
    func replyVerified() {
        #expect(verifier.rejection(of: Self.answer("Keep a regular bedtime and avoid screens for an hour before sleep."), for: Self.chat) == nil)
    }

    @Test("a chat turn: a tool call, a repeated sentence, a repeated run of words, a limit")
    func replyRejections() {
        let calc = AgentStep(tool: "calc", input: "8*60", output: "480", ok: true, ms: 1)
        #expect(verifier.rejection(of: Self.answer("Sleep 480 minutes.", steps: [calc]), for: Self.chat) == .toolCalled)
        #expect(verifier.rejection(of: Self.answer("Go to bed early. Drink less coffee today. Go to bed early."), for: Self.chat) == .repetitive)
        let looping = "You should try to keep the room cool and dark at night, and you should try to keep the room cool and dark"
        #expect(verifier.rejection(of: Self.answer(looping), for: Self.chat) == .repetitive)
        #expect(verifier.rejection(of: Self.answer("Keep a routine.", stoppedBy: .repetition), for: Self.chat) == .cutByLimit(.repetition))
        #expect(verifier.rejection(of: Self.answer(""), for: Self.chat) == .emptyAnswer)
    }

    @Test("a Game of 24 item is left to its own collector")
    func game24() {
        let puzzle = Self.item(.game24, "Make 24 from 4 5 6 10.", .game24(numbers: [4, 5, 6, 10]))
        #expect(verifier.rejection(of: Self.answer("(10 - 6) * (5 + 4) = 24"), for: puzzle) == .kindNotCollected)
    }

    @Test("every rejection has its own label")
    func labels() {
        let all: [TraceRejection] = [
            .cutByLimit(.timeLimit), .emptyAnswer, .numberNotStated, .noCalculation, .calculationFailed, .ungroundedOperands, .pageNotFetched,
            .fetchFailed, .factNotStated, .noPython, .pythonFailed, .noFigure, .wrongPlotData, .toolCalled, .repetitive, .expressionWrong,
            .kindNotCollected,
        ]
        #expect(Set(all.map(\.label)).count == all.count)
        #expect(all.allSatisfy { !$0.description.isEmpty })
    }
}
