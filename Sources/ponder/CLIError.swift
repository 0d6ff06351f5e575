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
    } catch let error as ExitCode {
        throw error
    } catch let error as any (Error & CustomStringConvertible) {
        printError("error: \(error.description)")
        throw ExitCode.failure
    } catch {
        printError("error: \(error)")
        throw ExitCode.failure
    }
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
