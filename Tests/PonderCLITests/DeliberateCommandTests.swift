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
            let proposer: String?
            let value: String?
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

    @Test("--proposer and --value are evaluation switches the report names; a puzzle that needs fractions is solved through them")
    func evaluationSwitches() async throws {
        // 3 3 8 8 is solvable only as 8 / (3 - 8 / 3): uniform proposals over at most 61
        // distinct positions reach it well within the thought limit.
        let (_, json) = try await Self.ask([
            "--deliberate", "60", "--proposer", "uniform", "--value", "none", "--max-thoughts", "400",
            "Use the numbers 3 3 8 8 and + - * / to make 24.",
        ])
        let tree = try #require(json.tree)
        #expect(tree.proposer == "uniform")
        #expect(tree.value == "value prompt off (--value none)")
        #expect(tree.nodes.count <= 401)
        #expect(tree.verified, "\(json.answer)")
        #expect(json.answer.contains("8 / (3 - (8 / 3)) = 24") || json.answer.contains("/ 3"), "\(json.answer)")
        let bad = try await CommandLineTests.run(["ask", "--deliberate", "3", "--proposer", "oracle", "Use the numbers 4 4 6 8 and + - * / to make 24."])
        #expect(bad.status == 2)
    }

    @Test("--show-tree draws the thoughts, the chosen path marked")
    func showTree() async throws {
        // 8 s: weighing the first position's 18 moves comes before the first thought.
        let result = try await CommandLineTests.run(["ask", "--deliberate", "8", "--show-tree", "Use the numbers 4 4 6 8 and + - * / to make 24."])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("#1 ["))
        #expect(result.standardOutput.contains("(left: "))
        #expect(result.standardError.contains("thought for"))
        #expect(result.standardError.contains("thinking "), "no progress line")
    }

    @Test("a phrase such as \"take your time\" turns deliberate mode on; arithmetic is answered by checked candidates")
    func triggerPhrase() async throws {
        let (_, json) = try await Self.ask(["Take your time: what is 17 * 23?"])
        #expect(json.mode == "deliberate")
        #expect(json.tree?.task == "everyday arithmetic")
        #expect(json.answer.contains("391"))
        #expect(json.seconds <= 31)
    }

    @Test("Ctrl-C answers with the best so far")
    func interrupt() async throws {
        // No sequence of moves (fractions included) makes 24 from these: the search would go on.
        let process = Process()
        process.executableURL = CommandLineTests.productsDirectory.appendingPathComponent("ponder")
        process.arguments = ["ask", "--json", "--deliberate", "60", "Use the numbers 6 8 12 13 and + - * / to make 24."]
        process.currentDirectoryURL = CommandLineTests.repositoryRoot
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-interrupt-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        // Once the search has tried a move, Ctrl-C; then the answer, timed by the search itself.
        let (out, secondsBeforeInterrupt) = await withCheckedContinuation { (continuation: CheckedContinuation<(Data, Double), Never>) in
            Thread.detachNewThread {
                // Standard output is drained all along: the tree is larger than a pipe holds.
                let collected = Mutex(Data())
                let drained = DispatchSemaphore(value: 0)
                Thread.detachNewThread {
                    collected.withLock { $0 = output.fileHandleForReading.readDataToEndOfFile() }
                    drained.signal()
                }
                let searchStarted = Date()
                // A progress line after a thought (the first says the moves are being weighed).
                while process.isRunning, !((try? String(contentsOf: errors, encoding: .utf8)) ?? "").contains(" · tried ") {
                    Thread.sleep(forTimeInterval: 0.05)
                }
                Thread.sleep(forTimeInterval: 1)
                let waited = Date().timeIntervalSince(searchStarted)
                process.interrupt()
                drained.wait()
                process.waitUntilExit()
                continuation.resume(returning: (collected.withLock { $0 }, waited))
            }
        }
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(stderr)")
        let json = try JSONDecoder().decode(AskJSON.self, from: out)
        #expect(json.stopped_by == "a stop request")
        #expect(json.answer.contains("no way to make 24"))
        #expect((json.tree?.nodes.count ?? 0) > 1)
        // The search ran from before the progress line to the answer: at most the wait
        // before Ctrl-C plus a little (one token, the answer's assembly).
        #expect(json.seconds < secondsBeforeInterrupt + 1.5, "the answer came \(json.seconds - secondsBeforeInterrupt) s after Ctrl-C")
        #expect(stderr.contains("(stopping: answering with the best so far; Ctrl-C again quits)"))
    }
}

extension DeliberateCommandTests {
    @Test("chat: /think SECONDS QUESTION, and /think before the next question")
    func chatThink() async throws {
        let script = "/think 30 What is 17 * 23?\n/think 3\nUse the numbers 4 4 6 8 and + - * / to make 24.\nWhat is 2+3?\n/quit\n"
        let result = try await CommandLineTests.run(["chat"], input: script)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("391"))
        #expect(result.standardError.contains("(everyday arithmetic)"))
        #expect(result.standardError.contains("the next question is answered after thinking for 3 s"))
        #expect(result.standardError.contains("(game of 24)"))
        // /think applies to one question: the next is answered at once.
        #expect(result.standardError.components(separatedBy: "thought for").count == 3)
        #expect(result.standardOutput.contains("5"))
    }
}
