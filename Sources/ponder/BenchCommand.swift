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

            With --sequences, generation decodes that many sequences together, one \
            forward pass per token for all of them: tokens/s is then the aggregate over \
            the sequences, with the per-sequence rate beside it. A list (1,4,8) measures \
            each count in the same run, for side-by-side ratios.

            The base model is measured, as llama-bench measures it; --lora measures it \
            with adapters applied.

            Example: ponder bench -p 0 -n 128 --sequences 1,4,8 -t 2
            """)

    @Option(name: .customShort("p"), help: "Prompt tokens per prompt-processing run (0 skips it).")
    var promptTokens = 512

    @Option(name: .customShort("n"), help: "Tokens per generation run (0 skips it).")
    var generatedTokens = 128

    @Option(name: [.customShort("t"), .long], help: "Worker threads (default: processor count).")
    var threads: Int?

    @Option(name: .customShort("r"), help: "Repetitions of each test.")
    var repetitions = 5

    @Option(help: ArgumentHelp(
        "Sequences decoded together in the generation test, or a comma-separated list of counts.",
        valueName: "n[,n…]"))
    var sequences = "1"

    @Flag(help: "Print one JSON object.")
    var json = false

    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard promptTokens >= 0, generatedTokens >= 0 else { throw ValidationError("-p and -n must be 0 or more") }
        guard repetitions > 0 else { throw ValidationError("-r must be positive") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive") }
        _ = try sequenceCounts()
    }

    /// The counts `--sequences` names.
    func sequenceCounts() throws -> [Int] {
        let counts = sequences.split(separator: ",", omittingEmptySubsequences: false).map {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 0) <= 256 }) else {
            throw ValidationError("--sequences takes counts from 1 to 256, e.g. 4 or 1,4,8 (got '\(sequences)')")
        }
        return counts.compactMap { $0 }
    }

    struct Measurement: Encodable {
        let test: String
        let tokens: Int
        /// Aggregate over all sequences decoded together.
        let tokensPerSecond: [Double]
        var sequences = 1
        var median: Double { Self.median(tokensPerSecond) }
        /// Each sequence's own rate: the aggregate over the sequence count.
        var perSequenceMedian: Double { median / Double(sequences) }
        static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        enum CodingKeys: String, CodingKey {
            case test, tokens, tokensPerSecond = "tokens_per_second", median, sequences
            case perSequence = "per_sequence_tokens_per_second"
        }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(test, forKey: .test)
            try container.encode(tokens, forKey: .tokens)
            try container.encode(tokensPerSecond, forKey: .tokensPerSecond)
            try container.encode(median, forKey: .median)
            try container.encode(sequences, forKey: .sequences)
            try container.encode(perSequenceMedian, forKey: .perSequence)
        }
    }

    func run() throws {
        try reportingErrors {
            let loaded = try modelOptions.load(threads: threads, shippedAdapter: false)
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
            for count in try generatedTokens > 0 ? sequenceCounts() : [] {
                // Sessions of their own: N sequences hold N caches' pages, one copy of the weights.
                let sessions = count == 1 ? [session] : try (0..<count).map { _ in
                    try model.makeSession(contextLength: generatedTokens + 1)
                }
                var rates: [Double] = []
                for _ in 0..<repetitions {
                    for session in sessions { session.reset() }
                    let tokens = sessions.map { _ in randomTokens(generatedTokens) }
                    let start = clock.now
                    for step in 0..<generatedTokens {
                        let segments = zip(sessions, tokens).map { session, tokens in
                            Transformer.ForwardSegment(tokens: [tokens[step]], cache: session.cache)
                        }
                        for result in model.transformer.forward(segments) { _ = try result.get() }
                    }
                    rates.append(Double(generatedTokens * count) / (clock.now - start).inSeconds)
                }
                let name = "tg\(generatedTokens)" + (count == 1 ? "" : "x\(count)")
                results.append(Measurement(test: name, tokens: generatedTokens, tokensPerSecond: rates, sequences: count))
            }
            let threadCount = threads ?? Engine.threadCount
            if json {
                struct Report: Encodable {
                    let model: String
                    let threads: Int
                    let results: [Measurement]
                    let peakResidentMiB: Double
                    enum CodingKeys: String, CodingKey { case model, threads, results, peakResidentMiB = "peak_rss_mib" }
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                let report = Report(model: path, threads: threadCount, results: results, peakResidentMiB: peakResidentMiB())
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print("model: \(path), threads: \(threadCount)")
                let batched = results.contains { $0.sequences > 1 }
                print("test".padding(toLength: 10, withPad: " ", startingAt: 0) + "   tokens/s (median)   min – max"
                    + (batched ? "        per sequence" : ""))
                for result in results {
                    let sorted = result.tokensPerSecond.sorted()
                    print(result.test.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + String(format: "   %18.1f   %.1f – %.1f", result.median, sorted.first!, sorted.last!)
                        + (batched ? String(format: "   %16.1f", result.perSequenceMedian) : ""))
                }
                print(String(format: "peak resident memory: %.0f MiB", peakResidentMiB()))
            }
        }
    }
}

/// The most resident memory this process has used, in MiB (`getrusage`'s high-water
/// mark: the mapped weights once, plus every session's KV pages).
func peakResidentMiB() -> Double {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    return Double(usage.ru_maxrss) / 1024
}
