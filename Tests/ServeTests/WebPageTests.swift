import Agent
@testable import APIServer
import Foundation
import Testing

/// The web page's parts without a socket: the embedded files, the figure route's
/// checks, the request's Ponder fields and the events the page reads.
struct WebPageAssetTests {
    static let webFolder = ServeTestSupport.repositoryRoot.appendingPathComponent("web")

    @Test("the embedded files are web/'s files, byte for byte (tools/embed-web-assets regenerates them)")
    func embeddedMatchesSources() throws {
        let sources = try FileManager.default.contentsOfDirectory(atPath: Self.webFolder.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(WebAssets.files.map(\.source).sorted() == sources, "every file of web/ is embedded: run tools/embed-web-assets")
        for asset in WebAssets.files {
            let text = try String(contentsOf: Self.webFolder.appendingPathComponent(asset.source), encoding: .utf8)
            #expect(asset.text == text, "\(asset.source) differs from Sources/APIServer/WebAssets.swift: run tools/embed-web-assets")
        }
    }

    @Test("the page is served at /, weighs under 100 KB, and loads nothing from elsewhere")
    func pageShape() {
        #expect(WebAssets.files.first?.path == "/")
        let bytes = WebAssets.files.reduce(0) { $0 + $1.text.utf8.count }
        #expect(bytes < 100_000, "the page weighs \(bytes) bytes")
        for asset in WebAssets.files {
            #expect(!asset.text.contains("//cdn") && !asset.text.contains("https://fonts"), "\(asset.source) loads from elsewhere")
        }
        // Model text reaches the DOM only as text.
        let script = WebAssets.files.first { $0.source == "app.js" }?.text ?? ""
        #expect(!script.contains("innerHTML") && !script.contains("insertAdjacentHTML") && !script.contains("document.write"))
        #expect(WebPage.publicPaths == ["/", "/app.css", "/app.js"])
    }
}

struct FigureFilesTests {
    let run = "chatcmpl-0123456789abcdef01234567"

    @Test("run and file names: only what the server makes; traversal, encodings and other types refused")
    func names() {
        #expect(FigureFiles.isRunName(run))
        for bad in ["", "..", "chatcmpl-", "chatcmpl-0123456789ABCDEF01234567", "chatcmpl-0123456789abcdef0123456/", "x" + run] {
            #expect(!FigureFiles.isRunName(bad), "\(bad)")
        }
        #expect(FigureFiles.contentType(ofName: "figure-1.png") == "image/png")
        #expect(FigureFiles.contentType(ofName: "plot.JPG") == "image/jpeg")
        for bad in ["", ".png", "..", "../figure.png", "..%2Ffigure.png", "a/b.png", "figure.svg", "figure.html", "figure", "é.png", "a b.png"] {
            #expect(FigureFiles.contentType(ofName: bad) == nil, "\(bad)")
        }
    }

    @Test("a figure of the run's folder is read; a symbolic link, another folder or a missing file is not")
    func reading() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("figure-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent(run)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let png = Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3])
        try png.write(to: folder.appendingPathComponent("figure-1.png"))
        let secret = root.appendingPathComponent("secret.txt")
        try Data("secret".utf8).write(to: secret)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("link.png"), withDestinationURL: secret)
        let file = try FigureFiles.read(root: root.path, run: run, name: "figure-1.png")
        #expect(file.bytes == png && file.contentType == "image/png")
        #expect(throws: FigureFiles.Refusal.notFound) { try FigureFiles.read(root: root.path, run: run, name: "link.png") }
        #expect(throws: FigureFiles.Refusal.notFound) { try FigureFiles.read(root: root.path, run: run, name: "figure-2.png") }
        #expect(throws: FigureFiles.Refusal.invalidName) { try FigureFiles.read(root: root.path, run: run, name: "../secret.txt") }
        // A run folder replaced by a link is refused too.
        let other = "chatcmpl-ffffffffffffffffffffffff"
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent(other), withDestinationURL: folder)
        #expect(throws: FigureFiles.Refusal.notFound) { try FigureFiles.read(root: root.path, run: other, name: "figure-1.png") }
    }
}

struct PonderEventTests {
    @Test("the request's Ponder fields: read when given, checked, absent for plain OpenAI requests")
    func requestFields() throws {
        let plain = try PonderAgentRequest.read(Data(#"{"model": "ponder-agent", "messages": []}"#.utf8))
        #expect(plain == PonderAgentRequest() && plain.thinking == nil)
        let asked = try PonderAgentRequest.read(Data(#"{"ponder_events": true, "ponder_deliberate": 8, "ponder_tools": false}"#.utf8))
        #expect(asked.events == true && asked.tools == false && asked.thinking == .seconds(8))
        #expect(throws: APIError.self) { try PonderAgentRequest.read(Data(#"{"ponder_deliberate": 0}"#.utf8)) }
        #expect(throws: APIError.self) { try PonderAgentRequest.read(Data(#"{"ponder_deliberate": 601}"#.utf8)) }
        #expect(throws: APIError.self) { try PonderAgentRequest.read(Data(#"{"ponder_events": "yes"}"#.utf8)) }
    }

    @Test("events: tool results with their figures' URLs, thoughts with parent, score and pruning, the chosen path")
    func events() throws {
        let run = "chatcmpl-0123456789abcdef01234567"
        let step = AgentStep(
            tool: "python", input: "plot", output: "figure saved", ok: true, ms: 12,
            files: ["/srv/out/\(run)/figure-1.png", "/srv/out/chatcmpl-ffffffffffffffffffffffff/figure-1.png"])
        let result = try #require(PonderEvent.of(.toolResult(step), run: run))
        #expect(result.type == .toolResult && result.files == ["/files/\(run)/figure-1.png"] && result.ok == true)
        #expect(PonderEvent.of(.text("hi"), run: run) == nil)

        var progress = DeliberationProgress(elapsed: .seconds(1), budget: .seconds(8), expanded: 1, thoughts: 2, bestScore: 0.4, depth: 1, answers: 0)
        progress.thought = ThoughtNode(id: 2, parent: 0, text: "2 / 6 = 0.33", score: 0, verified: false, depth: 1, note: "not whole")
        progress.pruned = true
        let event = try #require(PonderEvent.of(.progress(progress), run: run))
        let json = HTTPResponses.jsonText(PonderEventChunk(id: run, created: 1, model: "ponder-agent", event: event))
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((decoded["choices"] as? [Any])?.isEmpty == true && decoded["object"] as? String == "chat.completion.chunk")
        let body = try #require(decoded["ponder_event"] as? [String: Any])
        #expect(body["type"] as? String == "progress" && body["best_score"] as? Double == 0.4 && body["budget"] as? Double == 8)
        let node = try #require(body["node"] as? [String: Any])
        #expect(node["id"] as? Int == 2 && node["parent"] as? Int == 0 && node["pruned"] as? Bool == true && node["text"] as? String == "2 / 6 = 0.33")

        let start = PonderEvent.start(id: run, thinking: .seconds(8))
        #expect(start.mode == "deliberate" && start.budget == 8 && start.id == run)
        #expect(PonderEvent.start(id: run, thinking: nil).mode == "fast")
    }
}
