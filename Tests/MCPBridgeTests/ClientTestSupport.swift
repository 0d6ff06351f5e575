import Foundation
import Synchronization
import Testing
@testable import MCPBridge

/// What the client's tests start: the test servers of Scripts/ (the official Python
/// SDK's, and one written by hand) and the built `ponder`. Waits happen on threads of
/// their own; every child is killed at its timeout.
enum ClientTestSupport {
    static var repositoryRoot: URL { MCPTestSupport.repositoryRoot }
    static var ponder: String { MCPTestSupport.ponder }
    static var model: String { MCPTestSupport.model }
    static var python: String { MCPTestSupport.python }

    /// The command line of a server script, tagged so its process can be found.
    static func serverCommand(_ script: String, tag: String = UUID().uuidString) -> String {
        let path = repositoryRoot.appendingPathComponent("Tests/MCPBridgeTests/Scripts/\(script)").path
        return "\(python) \(path) \(tag)"
    }

    /// Connects to a server script.
    static func connect(_ script: String, tag: String = UUID().uuidString, settings: MCPClientSettings = MCPClientSettings()) async throws -> MCPServerSet {
        #expect(FileManager.default.isExecutableFile(atPath: python), "no \(python): tools/install-test-sdks installs the mcp SDK there")
        return try await MCPServerSet.connect([try MCPServerEndpoint.command(line: serverCommand(script, tag: tag))], settings: settings)
    }

    /// Whether no process's command line holds `tag` any more (waiting up to 10 s).
    static func noProcessLeft(tagged tag: String) async -> Bool {
        for _ in 0..<200 {
            if processes(containing: tag).isEmpty { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return processes(containing: tag).isEmpty
    }

    /// The pids of the running processes whose command line holds `text` (from /proc).
    static func processes(containing text: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                let status = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8), !status.contains(") Z ")
            else { return nil }
            return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(text) ? pid : nil
        }
    }

    /// Runs `ponder` with `arguments` in the repository, killing it after `timeout` seconds.
    static func runPonder(_ arguments: [String], timeout: Double = 300) async throws -> MCPTestSupport.Output {
        try await MCPTestSupport.run(ponder, arguments, timeout: timeout)
    }

    /// A free loopback port (bound and released: a server started next can take it).
    static func freePort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
