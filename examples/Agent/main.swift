// Ponder as a library: a tool-using agent in a few lines.
//   swift run -c release example-agent models/SmolLM2-135M-Instruct.Q4_1.gguf "What is 24*78?"
import Agent
import Foundation
import AgentTools
import Inference
import InferenceAdapter

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    print("usage: example-agent MODEL.gguf QUESTION")
    exit(2)
}

// The engine: a GGUF model, wrapped as the planner's LanguageModel.
let model = LocalLanguageModel(model: try Model(path: arguments[1]), name: "model")
// The planner: the model, the tools it may call, and the prompts in prompts/.
let planner = Planner(model: model, tools: [Calculator()], layout: ConversationLayout(prompts: try PromptLibrary.locate()))

// Stream the answer as it is written; the markers never show.
let answer = try await planner.answer(arguments[2]) { event in
    if case .text(let text) = event { print(text, terminator: "") }
}
print()
for step in answer.steps {
    print("  \(step.summary)  (\(step.ms) ms)")
}
print("  \(answer.tokens.generated) tokens generated in \(String(format: "%.2f", answer.seconds)) s")
