import Agent
import AgentTools
import Distillation
import Foundation

/// The planner the distillation commands run, as `ponder ask` builds it (greedy, the
/// standard tools) with two differences: the fetcher may read 127.0.0.1, where the
/// curriculum's and the evaluation's pages are served, and figures go to a temporary
/// folder removed by `close()`.
struct DistillPlanner {
    let planner: Planner
    let toolbox: Toolbox
    let prompts: PromptLibrary
    let figures: String

    /// The planner over `model` with seed `seed`, each answer given at most `timeLimit`.
    init(model: any LanguageModel, seed: UInt64, timeLimit: Duration = .seconds(300)) throws {
        figures = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-distill-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: figures, withIntermediateDirectories: true)
        toolbox = Toolbox.standard(ToolboxSettings(outputDirectory: figures, allowPrivateAddresses: true))
        prompts = try PromptLibrary.locate()
        planner = Planner(
            model: model, tools: toolbox.tools, layout: ConversationLayout(prompts: prompts),
            options: PlannerOptions(maximumSteps: 6, maximumTokens: 512, timeLimit: timeLimit, seed: seed, outputDirectory: figures))
    }

    /// Ends the Python worker and removes the figures.
    func close() async {
        await toolbox.stop()
        try? FileManager.default.removeItem(atPath: figures)
    }
}
