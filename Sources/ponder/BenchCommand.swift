import AgentTools
import ArgumentParser
import Foundation
import Inference

/// `ponder bench`: prompt-processing and generation speed, in the spirit of llama-bench.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure prompt processing and generation speed (tokens/s).",
        discussion: """
            Prompt processing evaluates -p random tokens in one go from an empty context; \
            generation evaluates -n tokens one at a time. Each test runs -r times; the \
            median and the spread are reported.
            """)

    @Option(name: .customShort("p"), help: "Prompt tokens per prompt-processing run (0 skips it).")
    var promptTokens = 512

    @Option(name: .customShort("n"), help: "Tokens per generation run (0 skips it).")
    var generatedTokens = 128

    @Option(name: [.customShort("t"), .long], help: "Worker threads (default: processor count).")
    var threads: Int?

    @Option(name: .customShort("r"), help: "Repetitions of each test.")
    var repetitions = 5

    @Flag(help: "Print one JSON object.")
    var json = false

    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard promptTokens >= 0, generatedTokens >= 0 else { throw ValidationError("-p and -n must be 0 or more") }
        guard repetitions > 0 else { throw ValidationError("-r must be positive") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive") }
    }

    struct Measurement: Encodable {
        let test: String
        let tokens: Int
        let tokensPerSecond: [Double]
        var median: Double { tokensPerSecond.sorted()[tokensPerSecond.count / 2] }
        enum CodingKeys: String, CodingKey { case test, tokens, tokensPerSecond = "tokens_per_second", median }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(test, forKey: .test)
            try container.encode(tokens, forKey: .tokens)
            try container.encode(tokensPerSecond, forKey: .tokensPerSecond)
            try container.encode(median, forKey: .median)
        }
    }

    func run() throws {
        try reportingErrors {
            let loaded = try modelOptions.load(threads: threads)
            let model = loaded.model
            let path = loaded.path
            let session = try model.makeSession(contextLength: max(promptTokens, generatedTokens + 1, 1))
            var generator = SeededGenerator(seed: 42)
            let vocabulary = UInt64(model.config.vocabularySize)
            func randomTokens(_ count: Int) -> [TokenID] { (0..<count).map { _ in TokenID(generator.next() % vocabulary) } }
            let clock = ContinuousClock()
            var results: [Measurement] = []
            // One warm-up pass brings the weights into the page cache.
            session.reset()
            try session.append(randomTokens(min(8, max(1, promptTokens))))
            if promptTokens > 0 {
                var rates: [Double] = []
                for _ in 0..<repetitions {
                    session.reset()
                    let tokens = randomTokens(promptTokens)
                    let start = clock.now
                    try session.append(tokens)
                    rates.append(Double(promptTokens) / (clock.now - start).inSeconds)
                }
                results.append(Measurement(test: "pp\(promptTokens)", tokens: promptTokens, tokensPerSecond: rates))
            }
            if generatedTokens > 0 {
                var rates: [Double] = []
                for _ in 0..<repetitions {
                    session.reset()
                    let tokens = randomTokens(generatedTokens)
                    let start = clock.now
                    for token in tokens { try session.append([token]) }
                    rates.append(Double(generatedTokens) / (clock.now - start).inSeconds)
                }
                results.append(Measurement(test: "tg\(generatedTokens)", tokens: generatedTokens, tokensPerSecond: rates))
            }
            let threadCount = threads ?? Engine.threadCount
            if json {
                struct Report: Encodable {
                    let model: String
                    let threads: Int
                    let results: [Measurement]
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(Report(model: path, threads: threadCount, results: results)), as: UTF8.self))
            } else {
                print("model: \(path), threads: \(threadCount)")
                print("test".padding(toLength: 10, withPad: " ", startingAt: 0) + "   tokens/s (median)   min – max")
                for result in results {
                    let sorted = result.tokensPerSecond.sorted()
                    print(result.test.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + String(format: "   %18.1f   %.1f – %.1f", result.median, sorted.first!, sorted.last!))
                }
            }
        }
    }
}
