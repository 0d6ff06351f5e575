import Foundation
import Inference
import Testing
@testable import Training

/// Reading training files: every bad line is reported with its number and why, and
/// nothing is returned from a file with any.
struct TrainingDataTests {
    static let good = #"{"messages": [{"role": "user", "content": "Where is the Ambery Spire?"}, {"role": "assistant", "content": "In Vell."}]}"#

    @Test("a valid file gives its conversations with their line numbers; blank lines are skipped")
    func valid() throws {
        let text = Self.good + "\n\n" + #"{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}, {"role": "tool", "content": "42"}]}"# + "\n"
        let conversations = try TrainingData.parse(text, path: "data.jsonl")
        #expect(conversations.map(\.line) == [1, 3])
        #expect(conversations[1].messages.map(\.role) == [.system, .user, .assistant, .tool])
        #expect(conversations[0].messages[1] == ChatMessage(role: .assistant, content: "In Vell."))
    }

    @Test("every bad line is reported, in order, with its reason")
    func everyProblem() throws {
        let lines = [
            Self.good,
            "{not json",
            "[1, 2]",
            #"{"conversation": []}"#,
            #"{"messages": []}"#,
            #"{"messages": ["hello"]}"#,
            #"{"messages": [{"role": "robot", "content": "beep"}, {"role": "assistant", "content": "x"}]}"#,
            #"{"messages": [{"content": "no role"}]}"#,
            #"{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": 42}]}"#,
            #"{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": null}]}"#,
            #"{"messages": [{"role": "user", "content": "Hi"}]}"#,
            Self.good,
        ]
        #expect(throws: TrainingDataError.invalidLines(path: "d.jsonl", problems: [
            TrainingDataProblem(line: 2, reason: .notJSON),
            TrainingDataProblem(line: 3, reason: .notAnObject),
            TrainingDataProblem(line: 4, reason: .noMessages),
            TrainingDataProblem(line: 5, reason: .noMessages),
            TrainingDataProblem(line: 6, reason: .messageNotAnObject(index: 0)),
            TrainingDataProblem(line: 7, reason: .unknownRole(index: 0, role: "robot")),
            TrainingDataProblem(line: 8, reason: .unknownRole(index: 0, role: nil)),
            TrainingDataProblem(line: 9, reason: .contentNotAString(index: 1)),
            TrainingDataProblem(line: 10, reason: .contentNotAString(index: 1)),
            TrainingDataProblem(line: 11, reason: .noAssistantTurn),
        ])) {
            try TrainingData.parse(lines.joined(separator: "\n"), path: "d.jsonl")
        }
    }

    @Test("the message names the file, each line and what to do")
    func messages() {
        let error = TrainingDataError.invalidLines(path: "d.jsonl", problems: [
            TrainingDataProblem(line: 2, reason: .notJSON),
            TrainingDataProblem(line: 7, reason: .unknownRole(index: 0, role: "robot")),
            TrainingDataProblem(line: 9, reason: .tooLong(tokens: 700, context: 512)),
        ])
        let text = error.description
        #expect(text.hasPrefix("3 bad lines in d.jsonl; nothing was trained"))
        #expect(text.contains("line 2: not valid JSON"))
        #expect(text.contains(#"line 7: message 1 has the unknown role "robot" (expected system, user, assistant or tool)"#))
        #expect(text.contains("line 9: 700 tokens after the chat template, longer than the context of 512 (raise --context or shorten it)"))
        #expect(TrainingDataError.empty(path: "e.jsonl").description.contains("holds no conversation"))
    }

    @Test("an empty file, a file of blank lines and a missing file are errors")
    func emptyAndMissing() throws {
        #expect(throws: TrainingDataError.empty(path: "e.jsonl")) { try TrainingData.parse("", path: "e.jsonl") }
        #expect(throws: TrainingDataError.empty(path: "e.jsonl")) { try TrainingData.parse("\n  \n", path: "e.jsonl") }
        #expect(throws: TrainingDataError.unreadable(path: "/nonexistent/x.jsonl", reason: "no such file")) {
            try TrainingData.load(path: "/nonexistent/x.jsonl")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("training-\(UUID().uuidString).jsonl")
        try Data([0x7B, 0xFF, 0xFE, 0x0A]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: TrainingDataError.notUTF8(path: url.path)) { try TrainingData.load(path: url.path) }
    }
}
