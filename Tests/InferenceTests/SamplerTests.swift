import Foundation
import Testing
@testable import Inference

struct SamplerTests {
    let logits: [Float] = [1, 5, 3, 4.9, -2, 0]

    @Test("greedy picks the largest logit, the first of equals")
    func greedy() {
        var sampler = Sampler(parameters: .greedy)
        #expect(sampler.sample(logits) == 1)
        #expect(Sampler.argmax([2, 7, 7, 1]) == 1)
    }

    @Test("the same seed gives the same choices; another seed differs somewhere")
    func seeded() {
        let parameters = SamplingParameters(temperature: 1.5, topK: 0, topP: 1, minP: 0, seed: 7)
        func draws(seed: UInt64) -> [TokenID] {
            var p = parameters
            p.seed = seed
            var sampler = Sampler(parameters: p)
            return (0..<64).map { _ in sampler.sample(logits) }
        }
        #expect(draws(seed: 7) == draws(seed: 7))
        #expect(draws(seed: 7) != draws(seed: 8))
        #expect(Set(draws(seed: 7)).count > 2)
    }

    @Test("top-k, top-p and min-p restrict the candidates")
    func truncation() {
        func support(_ parameters: SamplingParameters) -> Set<TokenID> {
            var sampler = Sampler(parameters: parameters)
            return Set((0..<400).map { _ in sampler.sample(logits) })
        }
        #expect(support(SamplingParameters(temperature: 5, topK: 2, topP: 1, minP: 0)) == [1, 3])
        // p(5) ≈ 0.47, p(4.9) ≈ 0.43, p(3) ≈ 0.06: top-p 0.8 keeps two.
        #expect(support(SamplingParameters(temperature: 5, topK: 0, topP: 0.8, minP: 0)) == [1, 3])
        // min-p 0.2 of the best keeps 5, 4.9 (and not 3: 0.135 < 0.2).
        #expect(support(SamplingParameters(temperature: 5, topK: 0, topP: 1, minP: 0.2)) == [1, 3])
        #expect(support(SamplingParameters(temperature: 5, topK: 0, topP: 1, minP: 0)).count == 6)
    }

    @Test("a mask forbids tokens, even the most likely")
    func mask() {
        let mask = TokenMask(vocabularySize: 6, allowed: [2, 4])
        var greedy = Sampler(parameters: .greedy)
        #expect(greedy.sample(logits, mask: mask) == 2)
        var random = Sampler(parameters: SamplingParameters(temperature: 3, topK: 0, topP: 1, minP: 0))
        for _ in 0..<100 { #expect(mask.allows(random.sample(logits, mask: mask))) }
        #expect(!mask.allows(1) && !mask.allows(-1) && !mask.allows(99))
    }

    @Test("repetition penalty pushes recent tokens down")
    func repetitionPenalty() {
        var sampler = Sampler(parameters: SamplingParameters(temperature: 0, repetitionPenalty: 1.1))
        #expect(sampler.sample(logits, history: [1]) == 3)  // 5 / 1.1 < 4.9
        #expect(sampler.sample(logits, history: []) == 1)
    }

    @Test("log-probabilities are a normalised log-softmax")
    func logProbabilities() {
        let values = Sampler.logProbabilities(logits)
        let total = values.map { Double(exp($0)) }.reduce(0, +)
        #expect(abs(total - 1) < 1e-5)
        #expect(values[1] > values[3] && values[3] > values[2])
    }
}

struct StopStringMatcherTests {
    @Test("a stop string split across pieces never shows, not even its start")
    func splitStop() {
        var matcher = StopStringMatcher(stopStrings: ["</calc>", "\n\n"])
        var shown = ""
        var stop: String?
        for piece in ["24*78", "</", "ca", "lc>", "ignored"] {
            let (text, found) = matcher.feed(piece)
            shown += text
            if let found { stop = found; break }
        }
        #expect(shown == "24*78")
        #expect(stop == "</calc>")
    }

    @Test("held-back text that turns out not to be a stop is released")
    func falseAlarm() {
        var matcher = StopStringMatcher(stopStrings: ["STOP"])
        #expect(matcher.feed("a ST").0 == "a ")
        #expect(matcher.feed("ART").0 == "START")
        #expect(matcher.feed("ST").0 == "")
        #expect(matcher.flush() == "ST")
        var none = StopStringMatcher(stopStrings: [])
        #expect(none.feed("anything").0 == "anything")
    }

    @Test("matching is exact on scalars: é is not e + combining acute")
    func exactScalars() {
        var matcher = StopStringMatcher(stopStrings: ["e\u{301}"])
        let (text, stop) = matcher.feed("caf\u{E9} ok")
        #expect(stop == nil)
        #expect(text + matcher.flush() == "caf\u{E9} ok")
    }
}
