import Inference

/// The checks every generating request shares: sampling values in range, stop
/// strings, token counts.
enum SamplingValidation {
    static let maximumStopStrings = 16
    static let maximumStopLength = 200
    static let maximumTopLogprobs = 20

    /// The engine's generation options from the API's fields: temperature (default 1)
    /// and top-p (default 1) as the only sampling filters, the token limit (none:
    /// `Int.max`), stop strings, a seed (none: a random one) and log-probabilities.
    static func generationOptions(
        temperature: Double?, topP: Double?, maxTokens: Int?, maxTokensField: String, stop: [String]?, seed: Int64?,
        logProbabilities: Bool, topAlternatives: Int
    ) throws(APIError) -> GenerationOptions {
        let temperature = temperature ?? 1
        guard temperature.isFinite, (0...2).contains(temperature) else {
            throw .invalid("'temperature' must be between 0 and 2 (0 is greedy), got \(temperature)", param: "temperature")
        }
        let topP = topP ?? 1
        guard topP.isFinite, topP > 0, topP <= 1 else {
            throw .invalid("'top_p' must be greater than 0 and at most 1, got \(topP)", param: "top_p")
        }
        if let maxTokens, maxTokens < 1 {
            throw .invalid("'\(maxTokensField)' must be at least 1, got \(maxTokens)", param: maxTokensField)
        }
        let stops = stop ?? []
        guard stops.count <= maximumStopStrings else {
            throw .invalid("'stop' has \(stops.count) strings; at most \(maximumStopStrings) are allowed", param: "stop")
        }
        for text in stops where text.isEmpty || text.count > maximumStopLength {
            throw .invalid("each 'stop' string must have 1 to \(maximumStopLength) characters", param: "stop")
        }
        guard (0...maximumTopLogprobs).contains(topAlternatives) else {
            throw .invalid("'top_logprobs' must be between 0 and \(maximumTopLogprobs), got \(topAlternatives)", param: "top_logprobs")
        }
        let sampling = SamplingParameters(
            temperature: Float(temperature), topK: 0, topP: Float(topP), minP: 0,
            seed: seed.map { UInt64(bitPattern: $0) } ?? UInt64.random(in: 0...UInt64.max))
        return GenerationOptions(
            maximumTokens: maxTokens ?? Int.max, sampling: sampling, stopStrings: stops,
            logProbabilities: logProbabilities, alternatives: topAlternatives)
    }

    /// `n` other than 1 is refused: one choice per request.
    static func checkChoiceCount(_ n: Int?) throws(APIError) {
        if let n, n != 1 { throw .invalid("'n' must be 1: this server returns one choice per request", param: "n") }
    }
}
