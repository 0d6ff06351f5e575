import AgentTools
import ArgumentParser
import Foundation
import Inference

/// `ponder tokenize`: the token ids of a text, as a JSON array.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of TEXT as a JSON array.")

    @Argument(help: "The text to tokenize; '-' reads standard input (which must be UTF-8).")
    var text: String

    @Flag(help: "Recognise special tokens written in the text, such as <|im_start|>.")
    var special = false

    @Flag(help: "Render TEXT as a user message through the model's chat template first.")
    var chat = false

    @Flag(help: "Do not add BOS/EOS tokens.")
    var noBos = false

    @Flag(help: "Also print each token's text, one per line, after the ids.")
    var pieces = false

    @Flag(help: "Print only the number of tokens.")
    var count = false

    @Flag(help: "Report tokenization speed on standard error (model loading excluded).")
    var timings = false

    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        try reportingErrors {
            let input = text == "-" ? try readStandardInputAsUTF8() : text
            let file = try modelOptions.openFile()
            let tokenizer = try Tokenizer(file: file)
            let ids: [TokenID]
            let clock = ContinuousClock()
            let start = clock.now
            defer {
                if timings {
                    let elapsed = clock.now - start
                    let seconds = elapsed.inSeconds
                    printError(String(format: "tokenize: %d bytes → %d tokens in %.1f ms (%.2f MB/s)",
                                      input.utf8.count, ids.count, seconds * 1000, Double(input.utf8.count) / seconds / 1e6))
                }
            }
            if chat {
                let template = ChatTemplate(file: file)
                let prompt = template.render([ChatMessage(role: .user, content: input)], addGenerationPrompt: true)
                ids = tokenizer.encode(prompt, addSpecial: !noBos && !template.rendersBeginOfSequence, parseSpecial: true)
            } else {
                ids = tokenizer.encode(input, addSpecial: !noBos, parseSpecial: special)
            }
            if count {
                print(ids.count)
                return
            }
            print("[" + ids.map(String.init).joined(separator: ", ") + "]")
            if pieces {
                for id in ids {
                    let piece = String(decoding: tokenizer.piece(id, special: true), as: UTF8.self)
                    print("\(id)\t\(piece.debugDescription)")
                }
            }
        }
    }
}
