import AgentTools
import ArgumentParser

/// `ponder tool …`: runs one of the agent's tools directly and prints exactly what
/// the model would read.
struct ToolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tool",
        abstract: "Run one of the agent's tools and print what the model would see.",
        subcommands: [CalcCommand.self])
}

/// `ponder tool calc EXPR`: the calculator's answer, or its error, on standard output;
/// exit code 1 when the calculator reports an error.
struct CalcCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calc",
        abstract: "Evaluate an arithmetic expression exactly, as the calc tool does.",
        discussion: """
            Prints the tool's result text: the value, or "error: …" naming the column \
            (exit code 1). Examples: ponder tool calc '2^200', ponder tool calc '15% of 80'.
            """)

    // Unrecognized-option parsing lets an expression start with "-" ("-2^2").
    @Argument(parsing: .allUnrecognized,
              help: "The expression, e.g. '24 x 78' or '1/3 + 1/6' (quote it for the shell; several words are joined with spaces).")
    var expression: [String]

    func run() async throws {
        let result = try await Calculator().run(expression.joined(separator: " "), context: ToolContext())
        print(result.text)
        if !result.ok { throw ExitCode.failure }
    }
}
