import Foundation
import Testing
@testable import Agent

/// Where an installed or a checkout-built `ponder` finds its prompts.
struct RuntimeFilesTests {
    @Test("an installed binary looks in PREFIX/share/ponder first, then beside a checkout's build")
    func candidatesOrder() {
        let candidates = RuntimeFiles.candidates("prompts", executable: "/opt/ponder/bin/ponder")
        #expect(candidates.first == "/opt/ponder/share/ponder/prompts")
        #expect(candidates.dropFirst().first == "/opt/ponder/bin/prompts")
        #expect(candidates.contains("/opt/ponder/prompts"))
        let built = RuntimeFiles.candidates("models/m.gguf", executable: "/src/ponder/.build/x86_64-unknown-linux-gnu/release/ponder")
        #expect(built.contains("/src/ponder/models/m.gguf"))
    }

    @Test("the prompts folder of an installation layout is found from the executable's path alone")
    func locateInstalledPrompts() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-layout-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let prompts = prefix.appendingPathComponent("share/ponder/prompts")
        try FileManager.default.createDirectory(at: prompts, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try Data("system".utf8).write(to: prompts.appendingPathComponent("system.md"))
        let executable = prefix.appendingPathComponent("bin/ponder").path
        let found = try PromptLibrary.locate(folder: "prompts", containing: "system.md", executable: executable)
        #expect(URL(fileURLWithPath: found.directory).resolvingSymlinksInPath().path == prompts.resolvingSymlinksInPath().path)
        #expect(throws: PromptError.self) {
            try PromptLibrary.locate(folder: "prompts", containing: "absent.md", executable: executable)
        }
    }

    @Test("this process's executable is an absolute path the kernel reports")
    func executablePath() {
        #expect(RuntimeFiles.executablePath.hasPrefix("/"))
    }
}
