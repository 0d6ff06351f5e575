/// One event of a streamed chat or text completion, read leniently: servers differ
/// in the fields they add or leave out, and only these matter here.
struct StreamedEvent: Decodable {
    struct Choice: Decodable {
        struct Delta: Decodable {
            let content: String?
        }

        /// Chat completions.
        let delta: Delta?
        /// Text completions.
        let text: String?
        let finishReason: String?
        /// The stop string that ended the text (vLLM, ponder serve); a token id or
        /// nothing elsewhere.
        let stopReason: String?
        let logprobs: LogProbabilities?

        enum CodingKeys: String, CodingKey {
            case delta, text, logprobs
            case finishReason = "finish_reason"
            case stopReason = "stop_reason"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            delta = try? container.decodeIfPresent(Delta.self, forKey: .delta)
            text = try? container.decodeIfPresent(String.self, forKey: .text)
            finishReason = try? container.decodeIfPresent(String.self, forKey: .finishReason)
            stopReason = try? container.decodeIfPresent(String.self, forKey: .stopReason)
            logprobs = try? container.decodeIfPresent(LogProbabilities.self, forKey: .logprobs)
        }

        /// The new text, whichever endpoint sent it.
        var newText: String { delta?.content ?? text ?? "" }
    }

    /// Chat: `{"content": [{"token", "logprob", "top_logprobs": [{"token", "logprob"}]}]}`;
    /// text completions: `{"token_logprobs": […], "top_logprobs": [{token: logprob}]}`.
    struct LogProbabilities: Decodable {
        struct Alternative: Decodable {
            let token: String
            let logprob: Double
        }

        struct Entry: Decodable {
            let logprob: Double
            let topLogprobs: [Alternative]?

            enum CodingKeys: String, CodingKey {
                case logprob
                case topLogprobs = "top_logprobs"
            }
        }

        let content: [Entry]?
        let tokenLogprobs: [Double?]?
        let topLogprobs: [[String: Double]?]?

        enum CodingKeys: String, CodingKey {
            case content
            case tokenLogprobs = "token_logprobs"
            case topLogprobs = "top_logprobs"
        }

        var values: [Double] {
            if let content { return content.map(\.logprob) }
            return (tokenLogprobs ?? []).compactMap { $0 }
        }

        /// The most likely tokens at each step, best first.
        var alternatives: [[(text: String, logProbability: Double)]] {
            if let content {
                return content.map { entry in (entry.topLogprobs ?? []).map { ($0.token, $0.logprob) }.sorted { $0.1 > $1.1 } }
            }
            return (topLogprobs ?? []).map { step in (step ?? [:]).map { ($0.key, $0.value) }.sorted { $0.1 > $1.1 } }
        }
    }

    struct Counts: Decodable {
        let promptTokens: Int?
        let completionTokens: Int?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }

    struct ErrorDetail: Decodable {
        let message: String
    }

    let choices: [Choice]?
    let usage: Counts?
    let error: ErrorDetail?
}

/// Holds back streamed text that may be the start of a stop string, and finds a
/// complete one: for servers that ignore `stop`.
struct StopWatcher {
    let stopStrings: [String]
    private var held = ""

    init(_ stopStrings: [String]) {
        self.stopStrings = stopStrings.filter { !$0.isEmpty }
    }

    /// Adds text; returns what may be shown and the stop string found, if any.
    mutating func feed(_ text: String) -> (String, String?) {
        held += text
        var earliest: (Range<String.Index>, String)?
        for stop in stopStrings {
            if let range = held.range(of: stop), earliest == nil || range.lowerBound < earliest!.0.lowerBound {
                earliest = (range, stop)
            }
        }
        if let (range, stop) = earliest {
            let shown = String(held[..<range.lowerBound])
            held = ""
            return (shown, stop)
        }
        var keep = 0
        for stop in stopStrings {
            for length in stride(from: min(stop.count - 1, held.count), to: keep, by: -1) where held.hasSuffix(String(stop.prefix(length))) {
                keep = length
                break
            }
        }
        let shown = String(held.dropLast(keep))
        held = String(held.suffix(keep))
        return (shown, nil)
    }

    /// What is held back when the stream ends.
    mutating func flush() -> String {
        defer { held = "" }
        return held
    }
}
