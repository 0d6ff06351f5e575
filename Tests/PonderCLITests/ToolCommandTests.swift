import Foundation
import Testing

/// `ponder tool calc` prints exactly what the model would read.
struct ToolCommandTests {
    typealias CLI = CommandLineTests

    @Test("a value on standard output, exit code 0")
    func value() async throws {
        let result = try await CLI.run(["tool", "calc", "24 x 78"])
        #expect(result.status == 0)
        #expect(result.standardOutput == "1872\n")
        #expect(result.standardError.isEmpty)
        #expect(try await CLI.run(["tool", "calc", "1/3"]).standardOutput == "0.333333333333333 (= 1/3)\n")
        #expect(try await CLI.run(["tool", "calc", "2^200"]).standardOutput == "1606938044258990275541962092341162602522202993782792835301376\n")
    }

    @Test("the calculator's error on standard output, as the model sees it, exit code 1")
    func error() async throws {
        let result = try await CLI.run(["tool", "calc", "1/(3-3)"])
        #expect(result.status == 1)
        #expect(result.standardOutput == "error: division by zero at 2\n")
        #expect(result.standardError.isEmpty)
        let unknown = try await CLI.run(["tool", "calc", "sine(1)"])
        #expect(unknown.standardOutput == "error: unknown function 'sine' at 1 — did you mean 'sin'?\n")
        #expect(unknown.status == 1)
    }

    @Test("expressions may start with a minus sign or come as several words")
    func arguments() async throws {
        #expect(try await CLI.run(["tool", "calc", "-2^2"]).standardOutput == "-4\n")
        #expect(try await CLI.run(["tool", "calc", "15%", "of", "80"]).standardOutput == "12\n")
        #expect(try await CLI.run(["tool", "calc", "--", "-7 % 3"]).standardOutput == "2\n")
    }

    @Test("usage errors exit with 2; help lists the calc tool")
    func usage() async throws {
        #expect(try await CLI.run(["tool", "calc"]).status == 2)
        #expect(try await CLI.run(["tool", "nosuchtool", "1"]).status == 2)
        let help = try await CLI.run(["tool", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("calc"))
        #expect(try await CLI.run(["--help"]).standardOutput.contains("tool"))
    }

    @Test("fetch prints the tool's error as the model sees it, exit code 1; --allow-private opens loopback")
    func fetch() async throws {
        let refused = try await CLI.run(["tool", "fetch", "http://127.0.0.1:9/"])
        #expect(refused.status == 1)
        #expect(refused.standardOutput == "error: refused: 127.0.0.1 is a loopback address (private addresses are blocked)\n")
        #expect(refused.standardError.isEmpty)
        #expect(try await CLI.run(["tool", "fetch", "file:///etc/passwd"]).standardOutput == "error: only http and https URLs can be fetched\n")
        // Port 9 (discard) is closed here: past the guard, the connection itself fails.
        let allowed = try await CLI.run(["tool", "fetch", "--allow-private", "--timeout", "5", "http://127.0.0.1:9/"])
        #expect(allowed.status == 1)
        #expect(allowed.standardOutput.hasPrefix("error: cannot connect: "), "\(allowed.standardOutput)")
        #expect(try await CLI.run(["tool", "fetch"]).status == 2)
        #expect(try await CLI.run(["tool", "--help"]).standardOutput.contains("fetch"))
    }
}
