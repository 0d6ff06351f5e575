// Renders a conversation with a model's own chat template and tokenizes it,
// using the Inference library directly.
//
//     swift run example-tokenize [MODEL.gguf]
import Foundation
import Inference

let path = CommandLine.arguments.dropFirst().first ?? "models/SmolLM2-135M-Instruct.Q4_1.gguf"
do {
    let file = try GGUFFile(path: path)
    let tokenizer = try Tokenizer(file: file)
    let template = ChatTemplate(file: file)

    let conversation = [ChatMessage(role: .user, content: "What is 24 × 78?")]
    let prompt = template.render(conversation, addGenerationPrompt: true)
    let ids = tokenizer.encode(prompt, addSpecial: !template.rendersBeginOfSequence, parseSpecial: true)

    print("template: \(template.family.rawValue), tokenizer: \(tokenizer.summary)")
    print("prompt: \(prompt.debugDescription)")
    print("\(ids.count) tokens: \(ids)")
    print("decoded: \(tokenizer.decode(ids, special: true).debugDescription)")
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
