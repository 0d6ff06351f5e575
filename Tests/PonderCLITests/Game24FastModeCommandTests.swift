import Foundation
import Testing

/// Fast mode on a Game of 24 question, with the real binary and model: one chain of the
/// model's likeliest moves, each computed, the end checked; no search.
struct Game24FastModeCommandTests {
    @Test("ask answers a Game of 24 question in fast mode by one chain of three computed moves, checked at the end")
    func oneChain() async throws {
        let (_, json) = try await DeliberateCommandTests.ask(["Use the numbers 4 4 6 8 and + - * / to make 24."])
        #expect(json.mode == "fast")
        let tree = try #require(json.tree)
        #expect(tree.task == "game of 24")
        #expect(tree.nodes.count == 4, "the start and three moves, no branching: \(tree.nodes.map(\.text))")
        #expect(tree.path == [1, 2, 3])
        #expect(zip(tree.nodes.dropFirst(), tree.nodes).allSatisfy { $0.parent == $1.id })
        let last = try #require(tree.nodes.last)
        #expect(last.text.hasSuffix("(left: \(last.text.split(separator: " ")[4]))"), "one number is left: \(last.text)")
        if tree.verified {
            #expect(json.answer.contains("Answer: ") && json.answer.hasSuffix("= 24"), "\(json.answer)")
        } else {
            #expect(json.answer.contains("no way to make 24") && json.answer.contains("not 24"), "\(json.answer)")
        }
        // Any other question is the planner's, as before.
        let (_, other) = try await DeliberateCommandTests.ask(["What is 17 * 23?"])
        #expect(other.mode == "fast" && other.tree == nil && other.answer.contains("391"))
    }
}
