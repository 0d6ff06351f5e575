import Agent
import Foundation
import Testing
import Training
@testable import Distillation

/// Deduplication, the per-kind cap, kinds in turns, and the JSONL file `ponder train` reads.
struct CollectSelectionTests {
    static func trace(_ kind: CurriculumItem.Kind, template: String = "t", question: String, reply: String) -> TrainingTrace {
        TrainingTrace(
            id: "\(kind.rawValue)-\(question.count)", kind: kind, template: template,
            messages: [
                TraceMessage(role: .system, content: "You are Ponder."), TraceMessage(role: .user, content: "What is 2+2?"),
                TraceMessage(role: .assistant, content: "<calc>2+2</calc><result>4</result> 4", weight: 0),
                TraceMessage(role: .user, content: question), TraceMessage(role: .assistant, content: reply),
            ])
    }

    @Test("the question is the one after the prompt's examples; the model's text leaves the examples out")
    func questionAndText() {
        let trace = Self.trace(.arithmetic, question: "What is 3+4?", reply: "<calc>3+4</calc><result>7</result> 7")
        #expect(trace.question == "What is 3+4?")
        #expect(trace.assistantText == "<calc>3+4</calc><result>7</result> 7")
    }

    @Test("the same question, or the same text for a kind and template, is kept once")
    func duplicates() {
        var selection = TraceSelection()
        #expect(selection.admit(Self.trace(.arithmetic, question: "What is 3+4?", reply: "7")) == .kept)
        #expect(selection.admit(Self.trace(.arithmetic, question: "what is  3+4?", reply: "Seven")) == .duplicate)
        #expect(selection.admit(Self.trace(.arithmetic, question: "What is 5+6?", reply: "  7 ")) == .duplicate)
        #expect(selection.admit(Self.trace(.arithmetic, template: "other", question: "What is 5+6?", reply: "7")) == .kept)
        #expect(selection.admit(Self.trace(.chat, question: "Hi!", reply: "7")) == .kept)
        #expect(selection.count(of: .arithmetic) == 2)
    }

    @Test("at most the cap of each kind; other kinds go on")
    func cap() {
        var selection = TraceSelection(maximumPerKind: 2)
        #expect(selection.admit(Self.trace(.arithmetic, question: "a?", reply: "1")) == .kept)
        #expect(!selection.isFull(.arithmetic))
        #expect(selection.admit(Self.trace(.arithmetic, question: "b?", reply: "2")) == .kept)
        #expect(selection.isFull(.arithmetic))
        #expect(selection.admit(Self.trace(.arithmetic, question: "c?", reply: "3")) == .overCap)
        #expect(selection.admit(Self.trace(.page, question: "d?", reply: "4")) == .kept)
        #expect(!selection.isFull(.page))
    }

    @Test("items are tried in turns of kinds")
    func interleaved() {
        func item(_ kind: CurriculumItem.Kind, _ index: Int) -> CurriculumItem {
            CurriculumItem(id: "\(kind.rawValue)-\(index)", kind: kind, template: "t", question: "q\(index)", expected: .reply)
        }
        let items = [item(.arithmetic, 0), item(.arithmetic, 1), item(.arithmetic, 2), item(.page, 0), item(.chat, 0), item(.chat, 1)]
        #expect(TraceSelection.interleaved(items).map(\.id) == ["arithmetic-0", "page-0", "chat-0", "arithmetic-1", "chat-1", "arithmetic-2"])
    }

    @Test("the file is what ponder train reads: every line a conversation, the metadata ignored")
    func writerRoundTrip() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("collect-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let traces = [
            Self.trace(.arithmetic, question: "What is 3+4?", reply: "<calc>3+4</calc><result>7</result> It is 7."),
            Self.trace(.page, question: "Who is the \"mayor\"?\nSay it.", reply: "Reva Tamvor, per http://127.0.0.1:80/x.html"),
        ]
        let writer = try TraceWriter(path: path)
        for trace in traces { try writer.write(trace) }
        #expect(writer.count == 2)
        let read = try TrainingData.load(path: path)
        #expect(read.count == 2)
        for (conversation, trace) in zip(read, traces) {
            #expect(conversation.messages.map(\.content) == trace.messages.map(\.content))
            #expect(conversation.messages.map(\.role.rawValue) == trace.messages.map(\.role.rawValue))
        }
        // And back: the lines decode as traces, the example's weight 0 kept, a learned turn's left out.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let decoded = try lines.map { try JSONDecoder().decode(TrainingTrace.self, from: Data($0.utf8)) }
        #expect(decoded == traces)
        #expect(lines[0].contains(#""weight":0"#))
        #expect(lines[0].components(separatedBy: "weight").count == 2)
    }

    @Test("an --out in a missing folder, or naming a folder, is refused before anything runs")
    func writerRefusals() {
        #expect(throws: TraceWriterError.self) { try TraceWriter(path: "/nonexistent-folder-\(UUID().uuidString)/traces.jsonl") }
        #expect(throws: TraceWriterError.self) { try TraceWriter(path: FileManager.default.temporaryDirectory.path) }
    }

    @Test("the summary table has a row per kind, a total and the rejections by reason")
    func summaryTable() throws {
        var summary = CollectionSummary()
        summary.update(.arithmetic) { $0.tried = 4; $0.verified = 3; $0.kept = 2; $0.duplicates = 1; $0.rejections = ["number-not-stated": 1] }
        summary.update(.page) { $0.tried = 2; $0.rejections = ["page-not-fetched": 2] }
        summary.notes.append("game24: 2 items skipped")
        let table = summary.table
        #expect(table.contains("| arithmetic | 4 | 3 | 75% | 2 | 1 | 0 | number-not-stated 1 |"))
        #expect(table.contains("| page | 2 | 0 | 0% | 0 | 0 | 0 | page-not-fetched 2 |"))
        #expect(table.contains("| total | 6 | 3 | 50% | 2 | 1 | 0 | page-not-fetched 2, number-not-stated 1 |"))
        #expect(table.contains("- game24: 2 items skipped"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any]
        let kinds = json?["kinds"] as? [[String: Any]]
        #expect(kinds?.first?["kind"] as? String == "arithmetic")
        #expect(kinds?.first?["verified"] as? Int == 3)
    }

    @Test("progress: one plain line per problem off a terminal, a bar redrawn in place on one")
    func progress() {
        let item = CurriculumItem(id: "arithmetic-0", kind: .arithmetic, template: "sum-add", question: "Please add 2 to 3.", expected: .number(value: "5"))
        var plain = CollectionProgress(redraws: false)
        #expect(plain.text(for: .started(total: 2)) == "collecting traces for 2 items\n")
        #expect(plain.text(for: .trying(index: 0, item: item)) == nil)
        #expect(plain.text(for: .finished(index: 0, item: item, outcome: .rejected(.noCalculation)))
            == "[1/2] arithmetic-0 (arithmetic, sum-add): rejected: the calculator was not called\n")
        var bar = CollectionProgress(redraws: true)
        _ = bar.text(for: .started(total: 2))
        let running = bar.text(for: .trying(index: 0, item: item)) ?? ""
        #expect(running.hasPrefix("\r\u{1B}[2K0/2  ["))
        #expect(running.contains("arithmetic-0"))
        let trace = Self.trace(.arithmetic, question: "Please add 2 to 3.", reply: "5")
        _ = bar.text(for: .finished(index: 0, item: item, outcome: .kept([trace])))
        let last = bar.text(for: .finished(index: 1, item: item, outcome: .skipped)) ?? ""
        #expect(last.contains("2/2"))
        #expect(last.contains("kept 1"))
        #expect(last.hasSuffix("\n"))
    }
}
