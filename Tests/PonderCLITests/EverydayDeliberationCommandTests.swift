import Foundation
import Testing

/// `ponder ask --deliberate` on an everyday question, end to end with the default model:
/// candidates of the fast path, checked and voted on.
@Suite(.serialized)
struct EverydayDeliberationCommandTests {
    struct AskJSON: Decodable {
        struct Tree: Decodable {
            struct Candidate: Decodable {
                struct Check: Decodable {
                    let kind: String
                    let holds: Bool
                }

                let index: Int
                let temperature: Double
                let answer: String
                let calls: [String]
                let checks: [Check]
                let verified: Bool
                let key: String?
            }

            struct Vote: Decodable {
                let tallies: [String: Int]
                let winner: String?
                let chosen: Int
                let settled: Bool
            }

            let task: String
            let candidates: [Candidate]?
            let vote: Vote?
            let batches: [Int]?
        }

        let answer: String
        let mode: String
        let seconds: Double
        let tree: Tree?
    }

    @Test("--deliberate 5 answers 84 divided by 3 with 28, its candidates checked and voted on")
    func quotient() async throws {
        let result = try await CommandLineTests.run(["ask", "--json", "--deliberate", "5", "What is 84 divided by 3?"])
        #expect(result.status == 0, "\(result.standardError)")
        let json = try JSONDecoder().decode(AskJSON.self, from: Data(result.standardOutput.utf8))
        #expect(json.mode == "deliberate")
        #expect(json.answer.contains("28"))
        #expect(json.seconds <= 5.5, "the 5 s budget was overrun: \(json.seconds) s")
        let tree = try #require(json.tree)
        #expect(tree.task == "everyday arithmetic")
        let candidates = try #require(tree.candidates)
        let vote = try #require(tree.vote)
        // The greedy run is one of them; several were written together.
        #expect(candidates.contains { $0.index == 0 && $0.temperature == 0 })
        #expect(candidates.count >= 3 && (tree.batches ?? []).contains { $0 > 1 })
        #expect(candidates.allSatisfy { $0.checks.contains { $0.kind == "grounded" } || !$0.verified })
        #expect(vote.winner == "28")
        let chosen = try #require(candidates.first { $0.index == vote.chosen })
        #expect(chosen.verified && chosen.calls.contains { $0.hasPrefix("calc(") && $0.hasSuffix("→ 28") })
    }

    @Test("--show-tree lists the candidates, their checks and the vote; the progress line says what was tried")
    func showTree() async throws {
        let result = try await CommandLineTests.run(["ask", "--deliberate", "5", "--show-tree", "What is 84 divided by 3?"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("28"))
        #expect(result.standardOutput.contains("[greedy] calc(84/3) → 28"))
        #expect(result.standardOutput.contains("grounded ✓"))
        #expect(result.standardOutput.contains("vote: 28: "))
        #expect(result.standardError.contains("candidate "), "no progress line naming a candidate")
        #expect(result.standardError.contains("(everyday arithmetic)"))
    }
}
