// Loads a model and generates a reply to one question, streaming it — the whole
// engine API in a few lines.
//
//     swift run -c release example-generate [MODEL.gguf]
import Foundation
import Inference

let path = CommandLine.arguments.dropFirst().first ?? "models/SmolLM2-135M-Instruct.Q4_1.gguf"
do {
    let model = try Model(path: path)
    let session = try model.makeSession(contextLength: 512)

    let prompt = model.chatTemplate.render([ChatMessage(role: .user, content: "What is the capital of France?")])
    try session.append(model.tokenizer.encode(prompt, addSpecial: !model.chatTemplate.rendersBeginOfSequence, parseSpecial: true))

    let result = try session.generate(GenerationOptions(maximumTokens: 32, sampling: .greedy)) { piece in
        print(piece, terminator: "")
        return true
    }
    print("\n[\(result.tokens.count) tokens, stopped by \(result.stopReason)]")
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
