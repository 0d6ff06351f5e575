import Foundation
import Synchronization
import Testing

/// `ponder ask` in deliberate mode, end to end with the default model.
struct DeliberateCommandTests {
    struct AskJSON: Decodable {
        struct Tree: Decodable {
            struct Node: Decodable {
                let id: Int
                let parent: Int?
                let text: String
                let score: Double
                let verified: Bool?
                let depth: Int
                let answer: String?
            }

            let task: String
            let nodes: [Node]
            let path: [Int]
            let verified: Bool
        }

        let answer: String
        let mode: String
        let seconds: Double
        let stopped_by: String?
        let tree: Tree?
    }

    static func ask(_ arguments: [String], onStart: (@Sendable (Process) -> Void)? = nil) async throws -> (CommandLineTests.Result, AskJSON) {
        let result = try await CommandLineTests.run(["ask", "--json"] + arguments, onStart: onStart)
        #expect(result.status == 0, "\(result.standardError)")
        let object = try JSONDecoder().decode(AskJSON.self, from: Data(result.standardOutput.utf8))
        return (result, object)
    }

    @Test("--deliberate searches a Game of 24 puzzle within its budget and reports the tree")
    func game24() async throws {
        let (_, json) = try await Self.ask(["--deliberate", "8", "Use the numbers 1 1 4 6 and + - * / to make 24."])
        #expect(json.mode == "deliberate")
        let tree = try #require(json.tree)
        #expect(tree.task == "game of 24")
        #expect(json.seconds <= 9, "the 8 s budget was overrun: \(json.seconds) s")
        #expect(tree.nodes.first?.parent == nil && tree.nodes.first?.depth == 0)
        for node in tree.nodes.dropFirst() {
            let parent = try #require(node.parent)
            #expect(parent < node.id && tree.nodes[parent].depth + 1 == node.depth)
            #expect((0...1).contains(node.score))
        }
        if tree.verified {
            // The answer's expression was checked exactly: the four numbers, 24.
            #expect(json.answer.contains("= 24"))
            #expect(json.stopped_by == nil)
            let last = try #require(tree.path.last)
            #expect(tree.nodes[last].verified == true)
        } else {
            #expect(json.stopped_by != nil)
        }
    }

    @Test("--show-tree draws the thoughts, the chosen path marked")
    func showTree() async throws {
        let result = try await CommandLineTests.run(["ask", "--deliberate", "3", "--show-tree", "Use the numbers 4 4 6 8 and + - * / to make 24."])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("#1 ["))
        #expect(result.standardOutput.contains("(left: "))
        #expect(result.standardError.contains("thought for"))
        #expect(result.standardError.contains("thinking "), "no progress line")
    }

    @Test("a phrase such as \"take your time\" turns deliberate mode on; the calculator checks the answers")
    func triggerPhrase() async throws {
        let (_, json) = try await Self.ask(["Take your time: what is 17 * 23?"])
        #expect(json.mode == "deliberate")
        #expect(json.tree?.task == "step by step")
        #expect(json.answer.contains("391"))
        #expect(json.seconds <= 31)
    }

    @Test("Ctrl-C answers with the best so far")
    func interrupt() async throws {
        let interrupted = Mutex<ContinuousClock.Instant?>(nil)
        // No sequence of whole-number moves makes 24 from these: the search would go on.
        let (_, json) = try await Self.ask(["--deliberate", "60", "Use the numbers 6 8 12 13 and + - * / to make 24."]) { process in
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 3)
                interrupted.withLock { $0 = .now }
                process.interrupt()
            }
        }
        let stopped = try #require(interrupted.withLock { $0 })
        #expect(ContinuousClock.now - stopped < .seconds(2), "the answer came long after Ctrl-C")
        #expect(json.stopped_by == "a stop request")
        #expect(json.answer.contains("no way to make 24"))
        #expect((json.tree?.nodes.count ?? 0) > 1)
    }
}

extension DeliberateCommandTests {
    @Test("chat: /think SECONDS QUESTION, and /think before the next question")
    func chatThink() async throws {
        let script = "/think 6 What is 17 * 23?\n/think 3\nUse the numbers 4 4 6 8 and + - * / to make 24.\nWhat is 2+3?\n/quit\n"
        let result = try await CommandLineTests.run(["chat"], input: script)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("391"))
        #expect(result.standardError.contains("(step by step)"))
        #expect(result.standardError.contains("the next question is answered after thinking for 3 s"))
        #expect(result.standardError.contains("(game of 24)"))
        // /think applies to one question: the next is answered at once.
        #expect(result.standardError.components(separatedBy: "thought for").count == 3)
        #expect(result.standardOutput.contains("5"))
    }
}
