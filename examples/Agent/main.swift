// Ponder as a library: a tool-using assistant in a few lines.
//   swift run -c release example-agent models/SmolLM2-135M-Instruct.Q4_1.gguf "What is 24*78?"
import Agent
import AgentTools
import Foundation
import Inference
import InferenceAdapter

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    print("usage: example-agent MODEL.gguf QUESTION")
    exit(2)
}

// The engine: a GGUF model, wrapped as the assistant's LanguageModel.
let model = LocalLanguageModel(model: try Model(path: arguments[1]), name: "model")
// The assistant: the model, the tools it may call, and the prompts in prompts/.
let assistant = Assistant(model: model, toolbox: Toolbox(tools: [Calculator()]), prompts: try PromptLibrary.locate())

// Stream the answer as it is written (the markers never show), then the tool calls.
for try await event in assistant.ask(arguments[2]) {
    switch event {
    case .text(let text):
        print(text, terminator: "")
    case .answer(let answer):
        print()
        for step in answer.steps {
            print("  \(step.summary)  (\(step.ms) ms)")
        }
        print("  \(answer.tokens.generated) tokens generated in \(String(format: "%.2f", answer.seconds)) s")
    default:
        break
    }
}
