import ArgumentParser

/// Errors the CLI reports on stderr with exit code 1.
enum CLIError: Error, CustomStringConvertible {
    case modelNotFound(String)
    case invalidInput(String)

    var description: String {
        switch self {
        case .modelNotFound(let message), .invalidInput(let message):
            return message
        }
    }
}

/// Runs `body`, turning library errors into a one-line message and exit code 1,
/// the CLI contract's "runtime error".
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw reported(error)
    }
}

/// `reportingErrors` for asynchronous work.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw reported(error)
    }
}

/// Prints `error` on standard error (exit codes pass through) and returns the exit code.
private func reported(_ error: any Error) -> any Error {
    if let exit = error as? ExitCode { return exit }
    printError("error: \(error)")
    return ExitCode.failure
}

func printError(_ message: String) {
    var standardError = StandardError()
    print(message, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleOutput.writeToStandardError(string)
    }
}
